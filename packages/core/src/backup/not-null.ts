import type { Database } from '../db.js';
import { primaryKey } from '../dialects/postgres/introspect.js';
import { qi, qtable } from '../dialects/quote.js';
import { readServerInfo } from '../dialects/server.js';
import type { TableRef } from '../dialects/table-ref.js';
import { BallastError } from '../errors.js';
import { planSetNotNull } from '../ops/set-not-null.js';
import { defaultName } from '../ops/shared.js';
import { runPlan } from '../run/run-plan.js';
import { copyInKeyBatches } from './batches.js';
import { type DdlOptions, innerRunOptions } from './ddl.js';

/**
 * NOT NULL back on a restored column, through the set-not-null planner (no full scan under
 * ACCESS EXCLUSIVE on any version). Rows written after the drop are still NULL: they get the
 * column default first, when there is one.
 */
export async function restoreNotNull(
  db: Database,
  ref: TableRef,
  column: string,
  hasDefault: boolean,
  where: string,
  options: DdlOptions & { batchSize?: number | undefined } = {},
): Promise<void> {
  const t = qtable(ref);
  const c = qi(column);
  const [keys, server] = await db.withSession(
    async (s) => [await primaryKey(s, ref), await readServerInfo(s)] as const,
  );
  if (hasDefault && keys.length > 0) {
    const match = keys.map((k) => `ballast_t.${qi(k.name)} = batch.${qi(k.name)}`).join(' and ');
    await copyInKeyBatches(
      db,
      {
        operation: 'fill-default',
        target: `${ref.table}.${column}`,
        from: t,
        keys,
        columns: [],
        write: `update ${t} as ballast_t set ${c} = default from batch where ${match} and ballast_t.${c} is null`,
      },
      options,
    );
  }
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
