/**
 * A planned fix must not add objects the file already makes: the foreign-key plan builds an index
 * on the referencing columns (checked against the catalog only when it runs), so when the file
 * creates an index leading with those columns earlier, that step would be a second index on the
 * same columns in the rewritten file. Such steps are dropped from the plan before it is rendered.
 */
import type { Plan } from '../plan.js';
import type { PlannedStatement } from '../translate/types.js';
import type { FileContext } from './context.js';

export function withoutRedundantSteps(t: PlannedStatement, ctx: FileContext): PlannedStatement {
  const plans = t.plans.map((p): Plan => {
    if (p.operation !== 'add-foreign-key') return p;
    const steps = p.steps.filter((step) => {
      const e = step.expects;
      return !(e?.kind === 'index' && ctx.hasIndexLeadingWith(e.table, e.columns));
    });
    return steps.length === p.steps.length ? p : { ...p, steps };
  });
  return plans.every((p, i) => p === t.plans[i]) ? t : { ...t, plans };
}
