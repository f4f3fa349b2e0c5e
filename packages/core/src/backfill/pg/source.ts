import type { Database, Session } from '../../db.js';
import { quoteIdent } from '../../dialects/quote.js';
import { UnsafeOperationError } from '../../errors.js';
import type { BackfillSource, BatchOutcome, Cursor, OpenedJob, RowTransform } from '../types.js';
import { estimateRows, readTableInfo, requireColumn, type TableInfo } from './catalog.js';
import {
  advanceCheckpoint,
  ensureCheckpointTable,
  lockCheckpoint,
  readCheckpoint,
  setCheckpointStatus,
  startCheckpoint,
} from './checkpoints.js';
import { applyJsTransform } from './js-batch.js';
import { ctidPager, keysetPager, type Pager } from './pagers.js';
import { inTransaction, isTransientPgError } from './transaction.js';

export interface PgSourceSpec {
  readonly table: string;
  readonly schema?: string;
  /** column → SQL expression (the fast path, all inside the database). */
  readonly set: Readonly<Record<string, string>>;
  readonly where?: string;
  readonly transform?: RowTransform;
  readonly key?: readonly string[] | 'ctid';
  readonly lockTimeoutMs: number;
}

/** A batch as the transforms see it: which rows, how to find them again, what to write. */
export interface PgBatchContext {
  readonly session: Session;
  readonly info: TableInfo;
  readonly pager: Pager;
  readonly range: ReturnType<Pager['range']>;
  readonly params: unknown[];
  readonly where: string | undefined;
}

/** The PostgreSQL source: table facts read once, the upper bound fixed at open(). */
export async function postgresSource(db: Database, spec: PgSourceSpec): Promise<BackfillSource> {
  const { info, pager } = await db.withSession(async (s) => {
    const info = await readTableInfo(s, { name: spec.table, schema: spec.schema }, keyColumns(spec.key));
    return {
      info,
      pager: info.key.length > 0 ? keysetPager(info) : ctidPager(info, await rowsPerPage(s, info.oid)),
    };
  });
  for (const column of Object.keys(spec.set)) requireColumn(info.columnTypes, column, info.label);
  if (pager.paging === 'ctid' && !spec.where) {
    // An updated row may get a new ctid further on in the range and be visited again.
    throw new UnsafeOperationError(
      `backfill of ${info.label}: the table has no primary key or NOT NULL unique index`,
      {
        where: info.label,
        hint: 'add a primary key (best), pass `key: [columns]` naming unique NOT NULL columns, or give the spec a `where` that excludes rows already done (ctid paging may visit a moved row twice)',
      },
    );
  }
  let upper: Cursor | undefined;

  return {
    target: info.label,
    paging: pager.paging,
    estimate: () => db.withSession((s) => estimateRows(s, info)),
    async open(job, restart): Promise<OpenedJob> {
      return db.withSession(async (s) => {
        await ensureCheckpointTable(s);
        const existing = restart ? undefined : await readCheckpoint(s, job);
        const estimatedRows = await estimateRows(s, info);
        if (existing && existing.status === 'done') {
          return { state: 'done', cursor: undefined, rowsDone: Number(existing.rows_done), estimatedRows };
        }
        if (existing && existing.paging === pager.paging) {
          upper = existing.upper_key ?? undefined;
          await setCheckpointStatus(s, job, 'running');
          const cursor = existing.last_key ?? undefined;
          return { state: 'resumed', cursor, rowsDone: Number(existing.rows_done), estimatedRows };
        }
        upper = await pager.upperBound(s);
        await startCheckpoint(s, job, info.label, pager.paging, upper);
        return { state: 'new', cursor: undefined, rowsDone: 0, estimatedRows };
      });
    },
    processBatch: (job, cursor, limit) =>
      db.withSession((session) =>
        inTransaction(session, spec.lockTimeoutMs, async () => {
          await lockCheckpoint(session, job, cursor);
          const outcome = upper ? await runBatch(session, cursor, upper, limit) : emptyOutcome(cursor);
          await advanceCheckpoint(session, job, outcome.cursor, outcome.rows, outcome.done);
          return outcome;
        }),
      ),
    close: (job, status, error) => db.withSession((s) => setCheckpointStatus(s, job, status, error)),
    isTransient: isTransientPgError,
  };

  async function runBatch(session: Session, cursor: Cursor | undefined, upperKey: Cursor, limit: number) {
    const params: unknown[] = [];
    const range = pager.range(cursor, upperKey, limit, params);
    const ctx: PgBatchContext = { session, info, pager, range, params, where: spec.where };
    const { rows, changed, last } = spec.transform
      ? await applyJsTransform(ctx, spec.transform)
      : await applySqlSet(ctx, spec.set);
    const done = range.last ?? rows < limit;
    return { rows, changed, cursor: range.next ?? last ?? cursor, done } satisfies BatchOutcome;
  }
}

const emptyOutcome = (cursor: Cursor | undefined): BatchOutcome => ({
  rows: 0,
  changed: 0,
  cursor,
  done: true,
});

const keyColumns = (key: PgSourceSpec['key']) => (key === 'ctid' ? [] : key);

async function rowsPerPage(session: Session, oid: number): Promise<number> {
  const [row] = await session.query<{ rpp: number }>(
    'select case when relpages > 0 and reltuples > 0 then reltuples / relpages else 50 end::float8 as rpp from pg_class where oid = $1',
    [oid],
  );
  return row?.rpp ?? 50;
}

/**
 * The fast path, one statement: find the batch's keys (an index-only range, no row locks), then
 * one range `UPDATE` up to the batch's last key, so rows are written in index order like a
 * plain UPDATE would. Rows the spec's `where` excludes advance the cursor but are not written.
 * Concurrent updates of a row in the range are re-checked by the UPDATE itself (EvalPlanQual).
 */
async function applySqlSet(ctx: PgBatchContext, set: Readonly<Record<string, string>>) {
  const { info, pager, range, params } = ctx;
  const keys = pager.identity.map((c, i) => `${c.sql} as ballast_k${i}`).join(', ');
  const assignments = Object.entries(set)
    .map(([column, expr]) => `${quoteIdent('postgres', column)} = (${expr})`)
    .join(', ');
  const lastKey = pager.identity.map((_, i) => `ballast_k${i}::text`).join(', ');
  const desc = pager.identity.map((_, i) => `ballast_k${i} desc`).join(', ');
  const [row] = await ctx.session.query<{ rows: number; changed: number; last: Cursor | null }>(
    `with ballast_batch as materialized (
       select ${keys} from ${info.sql} where ${range.where} ${range.orderLimit}
     ), ballast_last as materialized (
       select * from ballast_batch order by ${desc} limit 1
     ), ballast_changed as (
       update ${info.sql} set ${assignments}
        where ${range.where}${pager.upTo('ballast_last')}${ctx.where ? ` and (${ctx.where})` : ''} returning 1
     )
     select (select count(*) from ballast_batch)::int as rows,
            (select count(*) from ballast_changed)::int as changed,
            (select json_build_array(${lastKey}) from ballast_last) as last`,
    params,
  );
  return { rows: row!.rows, changed: row!.changed, last: row!.last ?? undefined };
}
