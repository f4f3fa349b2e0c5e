import { BACKFILL_DEFAULTS } from '../../backfill/defaults.js';
import { type LoopTuning, loopOptionsOf } from '../../backfill/index.js';
import { runBatchLoop } from '../../backfill/loop.js';
import { readMysqlTable } from '../../backfill/mysql/catalog.js';
import { forgetMysqlCheckpoint } from '../../backfill/mysql/checkpoints.js';
import { mysqlKeysetSource } from '../../backfill/mysql/keyset.js';
import type { Database } from '../../db.js';
import { quoteIdent } from '../../dialects/quote.js';
import type { ResolvedTableRef } from '../../dialects/table-ref.js';
import type { RunOptions } from '../../run/options.js';

const q = (name: string) => quoteIdent('mysql', name);

/**
 * Fills `target` on rows where it is NULL and `source` is not, by touching them (`SET source =
 * source`): the UPDATE sync trigger converts, so the conversion lives in one place. The MySQL
 * keyset source on core's batch loop: key-range batches, each its own transaction committed with
 * its checkpoint `job`, so after kill -9 a rerun resumes. Its SQL is built here with quoteIdent
 * (the backfill planner's fragment check reads PostgreSQL quoting, not MySQL's backticks).
 */
export async function fillThroughTriggers(
  db: Database,
  ref: ResolvedTableRef,
  columns: { readonly target: string; readonly source: string },
  job: string,
  options: RunOptions,
): Promise<void> {
  const info = await db.withSession((s) => readMysqlTable(s, { name: ref.table, schema: ref.schema }));
  const t = q(columns.target);
  const s = q(columns.source);
  const fill = mysqlKeysetSource(db, info, {
    lockTimeoutMs: BACKFILL_DEFAULTS.lockTimeoutMs,
    async write(session, range, params) {
      await session.query(
        `update ${info.sql} set ${s} = ${s} where ${range} and ${t} is null and ${s} is not null`,
        params,
      );
      const [n] = await session.query<{ n: number }>('select row_count() as n');
      return Number(n?.n ?? 0);
    },
  });
  const tuning = {
    ...(options.backfill as LoopTuning | undefined),
    ...(options.progress ? { progress: options.progress } : {}),
  };
  await runBatchLoop(fill, loopOptionsOf(tuning, job, []));
}

/** The checkpoint of an expand's fill: per journal key (a re-apply after a rollback fills again). */
export const fillJob = (id: string, options: RunOptions) => `${options.migration ?? 'expand'}:${id}:fill`;

export const forgetFill = (db: Database, job: string) => db.withSession((s) => forgetMysqlCheckpoint(s, job));
