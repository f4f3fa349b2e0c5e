import type { Database, Session } from '../../db.js';
import { estimateRows, readTable, type TableInfo } from '../../dialects/postgres/introspect.js';
import { requireTableColumn, type TableRef, tableRef } from '../../dialects/table-ref.js';
import { UnsafeOperationError } from '../../errors.js';
import type { BackfillSource, BatchOutcome, Cursor, OpenedJob, RowTransform } from '../types.js';
import type { PgBatchContext } from './batch-context.js';
import {
  advanceCheckpoint,
  advanceCheckpointCte,
  assertCheckpointed,
  CHECKPOINT_GATE,
  CHECKPOINT_TABLE,
  CheckpointConflictError,
  DISTRIBUTED_PAGING,
  ensureCheckpointTable,
  KEY_RANGES_PAGING,
  lockCheckpoint,
  readCheckpoint,
  readControlRequest,
  resumeAfterConflict,
  setCheckpointStatus,
  startCheckpoint,
} from './checkpoints.js';
import { BatchYielded, type ImpactGuard, withImpactGuard } from './impact-guard.js';
import { applyJsTransform } from './js-batch.js';
import { ctidPager, keysetPager, param } from './pagers.js';
import { replicaLagOn } from './replica-lag.js';
import { setClause } from './script.js';
import { inTransaction, isTransientPgError, jobSessions } from './transaction.js';

export interface PgSourceSpec extends TableRef {
  /** column → SQL expression (the fast path, all inside the database). */
  readonly set: Readonly<Record<string, string>>;
  readonly where?: string;
  readonly transform?: RowTransform;
  readonly key?: readonly string[] | 'ctid';
  readonly lockTimeoutMs: number;
  /** The impact guard's budget (0: off); see impact-guard.ts. */
  readonly maxClientWaitMs: number;
  /**
   * When the pool has no second connection for the guard: `warn` runs the batches unwatched and
   * says so; `refuse` throws GuardUnavailable instead (an extra stream of a ranged backfill,
   * which is better not started than unwatched). Default `warn`.
   */
  readonly unwatched?: 'warn' | 'refuse';
}

/** An extra stream found no connection for its impact guard (pg/ranged.ts starts no more streams). */
export class GuardUnavailable extends Error {
  override readonly name = 'GuardUnavailable';
}

/** The PostgreSQL source, plus what the ranged runner and replica-lag throttle need of it. */
export type PostgresSource = BackfillSource & {
  replicaLagMs(): Promise<number>;
  /** Runs `fn` on the job's held connection (a pooled one outside `hold`). */
  session<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  /** The table as read once: the ranged runner splits on its key. */
  readonly info: TableInfo;
};

/** The PostgreSQL source: table facts read once, the upper bound fixed at open(). */
export async function postgresSource(db: Database, spec: PgSourceSpec): Promise<PostgresSource> {
  const { info, pager } = await db.withSession(async (s) => {
    const info = await readTable(s, tableRef(spec), 'backfill', keyColumns(spec.key));
    return {
      info,
      pager: info.key.length > 0 ? keysetPager(info) : ctidPager(info, await rowsPerPage(s, info.oid)),
    };
  });
  for (const column of Object.keys(spec.set)) requireTableColumn(info, column, 'backfill');
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
  const { use, hold } = jobSessions(db, spec.lockTimeoutMs);
  let guard: ImpactGuard | undefined;
  const unwatched = (why: string) => {
    if (spec.unwatched === 'refuse') throw new GuardUnavailable(why);
    process.emitWarning(
      `backfill of ${info.label}: batches run without the impact guard (${why}); give the pool a second connection, or pass maxClientWaitMs: 0 to silence this`,
      'BallastWarning',
    );
  };

  return {
    target: info.label,
    info,
    session: use,
    paging: pager.paging,
    hold: (fn) =>
      hold(() =>
        use((jobSession) =>
          withImpactGuard(db, jobSession, info.label, spec.maxClientWaitMs, unwatched, async (g) => {
            guard = g;
            try {
              return await fn();
            } finally {
              guard = undefined;
            }
          }),
        ),
      ),
    estimate: () => use((s) => estimateRows(s, info)),
    // On the job's own connection: a one-connection pool must not wait for itself.
    replicaLagMs: () => use(replicaLagOn),
    async open(job, restart): Promise<OpenedJob> {
      return use(async (s) => {
        await ensureCheckpointTable(s);
        const estimatedRows = await estimateRows(s, info);
        for (;;) {
          const existing = await readCheckpoint(s, job);
          if (existing && !restart && existing.status === 'done') {
            return { state: 'done', cursor: undefined, rowsDone: Number(existing.rows_done), estimatedRows };
          }
          if (existing && !restart && PARENT_PAGINGS.has(existing.paging)) {
            // Another runner started this job as ranges in the meantime: resetting its row to one
            // stream would fill rows its ranges fill too.
            throw new CheckpointConflictError(
              `backfill job ${job} runs as key ranges (${existing.paging}), started by another runner`,
              {
                where: `${CHECKPOINT_TABLE}.job = ${job}`,
                hint: 'rerun: the run joins its ranges (or pass restart: true to start it over)',
              },
            );
          }
          if (existing && !restart && existing.paging === pager.paging) {
            upper = existing.upper_key ?? undefined;
            await setCheckpointStatus(s, job, 'running');
            const cursor = existing.last_key ?? undefined;
            return { state: 'resumed', cursor, rowsDone: Number(existing.rows_done), estimatedRows };
          }
          upper = await pager.upperBound(s);
          // Reset only on request (or a changed paging); a new job must not clobber a runner that just started it.
          const replace = restart || existing !== undefined;
          if (await startCheckpoint(s, job, info.label, pager.paging, upper, replace)) {
            return { state: 'new', cursor: undefined, rowsDone: 0, estimatedRows };
          }
        }
      });
    },
    processBatch: (job, cursor, limit, { mayYield } = { mayYield: true }) =>
      use(async (session) => {
        const batch = () => {
          // The SQL path is one statement (rows + checkpoint): atomic on its own, no BEGIN/COMMIT.
          if (upper && !spec.transform) return runSqlBatch(session, job, cursor, upper, limit);
          return inTransaction(session, async () => {
            await lockCheckpoint(session, job, cursor);
            const outcome = upper ? await runJsBatch(session, cursor, upper, limit) : emptyOutcome(cursor);
            await advanceCheckpoint(session, job, outcome.cursor, outcome.rows, outcome.done);
            return outcome;
          });
        };
        try {
          return await (guard && mayYield ? guard.watch(batch) : batch());
        } catch (error) {
          return resumeAfterConflict(session, job, error);
        }
      }),
    close: (job, status, error) => use((s) => setCheckpointStatus(s, job, status, error)),
    isTransient: isTransientPgError,
    yielded: (error) => error instanceof BatchYielded,
    control: (job, paused) => use((s) => readControlRequest(s, job, paused)),
  };

  function batchContext(session: Session, cursor: Cursor | undefined, upperKey: Cursor, limit: number) {
    const params: unknown[] = [];
    const range = pager.range(cursor, upperKey, limit, params);
    return { session, info, pager, range, params, where: spec.where } satisfies PgBatchContext;
  }

  /** SELECT … FOR UPDATE, transform in JS, UPDATE by key: the checkpoint is locked first. */
  async function runJsBatch(session: Session, cursor: Cursor | undefined, upperKey: Cursor, limit: number) {
    const ctx = batchContext(session, cursor, upperKey, limit);
    const { rows, changed, last } = await applyJsTransform(ctx, spec.transform!);
    const done = ctx.range.last ?? rows < limit;
    return { rows, changed, cursor: ctx.range.next ?? last ?? cursor, done } satisfies BatchOutcome;
  }

  /** One statement: the batch's range UPDATE and its checkpoint advance. */
  async function runSqlBatch(
    session: Session,
    job: string,
    cursor: Cursor | undefined,
    upperKey: Cursor,
    limit: number,
  ) {
    const ctx = batchContext(session, cursor, upperKey, limit);
    const { rows, changed, last, checkpointed } = await applySqlSet(ctx, spec.set, job, cursor, limit);
    assertCheckpointed(checkpointed, job, cursor);
    const done = ctx.range.last ?? rows < limit;
    return { rows, changed, cursor: ctx.range.next ?? last ?? cursor, done } satisfies BatchOutcome;
  }
}

/** Pagings of a job's own row whose rows are filled by its ranges: never reset to one stream. */
const PARENT_PAGINGS = new Set([KEY_RANGES_PAGING, DISTRIBUTED_PAGING]);

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
 * The fast path, one autocommit statement: take the job's checkpoint lock (gate), find the batch's keys (an index-only range, no row locks), then
 * one range `UPDATE` up to the batch's last key, so rows are written in index order like a
 * plain UPDATE would. Rows the spec's `where` excludes advance the cursor but are not written.
 * Concurrent updates of a row in the range are re-checked by the UPDATE itself (EvalPlanQual).
 */
async function applySqlSet(
  ctx: PgBatchContext,
  set: Readonly<Record<string, string>>,
  job: string,
  expected: Cursor | undefined,
  limit: number,
) {
  const { info, pager, range, params } = ctx;
  const keys = pager.identity.map((c, i) => `${c.sql} as ballast_k${i}`).join(', ');
  const assignments = setClause(set);
  const lastKey = pager.identity.map((_, i) => `ballast_k${i}::text`).join(', ');
  const desc = pager.identity.map((_, i) => `ballast_k${i} desc`).join(', ');
  const next = ctx.range.next;
  const checkpoint = advanceCheckpointCte(params, job, expected, {
    rows: '(select count(*) from ballast_batch)',
    cursor: next
      ? `${param(params, JSON.stringify(next))}::jsonb`
      : `coalesce((select jsonb_build_array(${lastKey}) from ballast_last), last_key)`,
    done:
      ctx.range.last !== undefined
        ? String(ctx.range.last)
        : `(select count(*) from ballast_batch) < ${param(params, limit)}`,
  });
  const [row] = await ctx.session.query<{
    rows: number;
    changed: number;
    last: Cursor | null;
    checkpointed: number;
  }>(
    `with ${checkpoint.lock}, ballast_batch as materialized (
       select ${keys} from ${info.sql} where ${range.where} ${range.orderLimit}
     ), ballast_last as materialized (
       select * from ballast_batch order by ${desc} limit 1
     ), ballast_changed as (
       update ${info.sql} set ${assignments}
        where ${CHECKPOINT_GATE} and ${range.where}${pager.upTo('ballast_last')}${ctx.where ? ` and (${ctx.where})` : ''}
        returning 1
     ), ${checkpoint.advance}
     select (select count(*) from ballast_batch)::int as rows,
            (select count(*) from ballast_changed)::int as changed,
            (select json_build_array(${lastKey}) from ballast_last) as last,
            (select count(*) from ballast_checkpoint)::int as checkpointed`,
    params,
  );
  return {
    rows: row!.rows,
    changed: row!.changed,
    last: row!.last ?? undefined,
    checkpointed: row!.checkpointed,
  };
}
