import type { Database } from '../db.js';
import { qi } from '../dialects/quote.js';
import { readServerInfo } from '../dialects/server.js';
import type { TableRef } from '../dialects/table-ref.js';
import { BallastError } from '../errors.js';
import { planSetNotNull } from '../ops/set-not-null.js';
import { defaultName } from '../ops/shared.js';
import { runPlan } from '../run/run-plan.js';
import { type DdlOptions, innerRunOptions } from './ddl.js';
import { fillColumn } from './fill.js';

/**
 * NOT NULL back on a restored column, through the set-not-null planner (no full scan under
 * ACCESS EXCLUSIVE on any version). Rows written after the drop are still NULL: they get the
 * column default first, when there is one.
 */
export async function restoreNotNull(
  db: Database,
  ref: TableRef,
  column: string,
  fillDefault: { readonly expression: string; readonly job: string } | undefined,
  where: string,
  options: DdlOptions & { batchSize?: number | undefined } = {},
): Promise<void> {
  const server = await db.withSession(readServerInfo);
  if (fillDefault)
    await fillColumn(
      db,
      ref,
      column,
      { value: fillDefault.expression, where: `${qi(column)} is null`, job: fillDefault.job },
      options,
    );
  const constraintName = defaultName([ref.table, column], 'not_null');
  const plan = planSetNotNull({ table: ref.table, schema: ref.schema, column, constraintName }, server);
  try {
    await runPlan(db, plan, innerRunOptions(options));
  } catch (error) {
    // The runner already took the NOT VALID constraint away again (its undoOnFailure).
    throw new BallastError(
      `${where}: NOT NULL could not be restored on ${ref.table}.${column}: some rows have no value`,
      {
        where: `${ref.table}.${column}`,
        hint: 'rows written after the drop have no value and the column had no default: fill them, then run setNotNull',
        cause: error,
      },
    );
  }
}
