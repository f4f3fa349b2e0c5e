/**
 * A backfill step as plain SQL, for files that no Ballast process runs (`ballast lint --fix`
 * writing a .sql file). It is the loop's SQL path with the decisions made here in backfill/, not
 * a second engine: the same SET clause as a loop batch (`setClause`), the first batch size and
 * the per-batch lock_timeout from BACKFILL_DEFAULTS, one transaction per batch, and the paging
 * the PostgreSQL source uses when it cannot know a key (a plain file has no catalog): physical
 * row ids, allowed only with a `where` that excludes rows already done, which also makes a rerun
 * resume where a killed one stopped. What it cannot do without a process (adaptive batch size,
 * replica-lag throttle, checkpoints, retries) is why runPlan hands the same step to the real loop.
 */
import { qtable, quoteIdent } from '../../dialects/quote.js';
import type { ServerInfo } from '../../dialects/server.js';
import type { BackfillSpec } from '../../plan.js';
import { BACKFILL_DEFAULTS } from '../defaults.js';

/** `"col" = (expr), …`: how every SQL batch (loop or script) writes the spec's `set`. */
export const setClause = (set: BackfillSpec['set']) =>
  Object.entries(set)
    .map(([column, expr]) => `${quoteIdent('postgres', column)} = (${expr})`)
    .join(', ');

/** Why a spec cannot be written as a script, or undefined when it can. */
export function backfillScriptBlocker(spec: BackfillSpec, server: ServerInfo): string | undefined {
  if (!spec.where)
    return 'the backfill has no `where` excluding rows already done: without a key to page on, only the backfill loop (runPlan) can run it';
  // COMMIT inside a DO block needs PostgreSQL 11.
  if (server.dialect !== 'postgres' || server.versionNum < 110000)
    return 'committing batches from plain SQL needs PostgreSQL 11 or newer: run the plan with runPlan';
  return undefined;
}

/** The step as one DO block that commits every batch; undefined when backfillScriptBlocker says no. */
export function backfillScript(spec: BackfillSpec, server: ServerInfo, comment: string): string | undefined {
  if (backfillScriptBlocker(spec, server)) return undefined;
  const table = qtable(spec);
  const where = `(${spec.where})`;
  return [
    `DO $ballast$ -- ${comment.replace(/\s+/g, ' ')}`,
    'DECLARE batch_rows bigint;',
    'BEGIN',
    '  LOOP',
    // Local to the batch's transaction, like the loop's per-batch lock_timeout.
    `    PERFORM set_config('lock_timeout', '${BACKFILL_DEFAULTS.lockTimeoutMs}ms', true);`,
    `    UPDATE ${table} SET ${setClause(spec.set)}`,
    `     WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${table} WHERE ${where} LIMIT ${BACKFILL_DEFAULTS.initialBatchSize})) AND ${where};`,
    '    GET DIAGNOSTICS batch_rows = ROW_COUNT;',
    '    EXIT WHEN batch_rows = 0;',
    '    COMMIT;',
    '  END LOOP;',
    'END',
    '$ballast$',
  ].join('\n');
}
