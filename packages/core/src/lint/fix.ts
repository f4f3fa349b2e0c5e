/**
 * Fixes are plans rendered as SQL: core/translate maps a flagged statement onto core/ops planners
 * (which decide the safe sequence for the target server); here each step becomes a statement of
 * the rewritten file. There is no second idea of what is safe: no plan, no fix.
 *
 * A backfill step becomes the script backfill/ derives from the same step (backfillScript: its
 * batch size, per-batch lock_timeout and paging); where it cannot (no `where` to resume by,
 * PostgreSQL < 11) there is no SQL fix and the finding stays: runPlan runs such plans on the
 * backfill loop itself.
 */
import { backfillScript } from '../backfill/pg/script.js';
import type { ServerInfo } from '../dialects/server.js';
import type { Plan } from '../plan.js';
import type { PlannedStatement } from '../translate/types.js';

export interface FixedStep {
  readonly sql: string;
  readonly transactional: boolean;
  /** The plan it belongs to, e.g. `set-not-null users.name`. */
  readonly plan: string;
}

export interface FixedStatement {
  /** Rule ids whose findings this plan resolves. */
  readonly rules: readonly string[];
  readonly steps: readonly FixedStep[];
  /** The steps rendered as SQL, for the finding's `fix` field. */
  readonly text: string;
}

/** The plans of a translated statement as SQL; undefined when a step has no SQL rendering. */
export function renderFix(t: PlannedStatement, server: ServerInfo): FixedStatement | undefined {
  const steps: FixedStep[] = [];
  for (const p of t.plans) {
    for (const step of p.steps) {
      const rendered = renderStep(step, server);
      // No SQL rendering means no honest fix: the finding stays and its help says what to run.
      if (!rendered) return undefined;
      steps.push({ ...rendered, plan: `${p.operation} ${p.target}` });
    }
  }
  return {
    rules: t.resolves,
    steps,
    text: steps.map((st) => `${st.sql};${st.transactional ? '' : '  -- outside a transaction'}`).join('\n'),
  };
}

function renderStep(step: Plan['steps'][number], server: ServerInfo): Omit<FixedStep, 'plan'> | undefined {
  if (step.kind === 'sql') return { sql: step.sql, transactional: step.transactional };
  if (step.kind === 'backup') return undefined;
  const sql = backfillScript(step.backfill, server, step.description);
  return sql === undefined ? undefined : { sql, transactional: false };
}
