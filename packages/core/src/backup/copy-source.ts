import {
  advanceCheckpoint,
  advanceCheckpointCte,
  assertCheckpointed,
  CHECKPOINT_GATE,
  ensureCheckpointTable,
  readCheckpoint,
  resumeAfterConflict,
  setCheckpointStatus,
  startCheckpoint,
} from '../backfill/pg/checkpoints.js';
import { keysetPager, param } from '../backfill/pg/pagers.js';
import { replicaLagOn } from '../backfill/pg/replica-lag.js';
import { isTransientPgError, jobSessions } from '../backfill/pg/transaction.js';
import type { BackfillSource, Cursor, OpenedJob } from '../backfill/types.js';
import type { Database, Session } from '../db.js';
import { estimateRows, readTable } from '../dialects/postgres/introspect.js';
import { qi } from '../dialects/quote.js';

export interface ColumnCopySpec {
  readonly schema: string;
  readonly table: string;
  readonly column: string;
  /** Primary key columns the values are keyed by (the backup table's key). */
  readonly keys: readonly string[];
  /** The backup table (quoted, qualified): key columns then the column, in that order. */
  readonly into: string;
  readonly lockTimeoutMs: number;
}

/**
 * A column copy as a backfill source, so a backup copy runs on the one batch loop (adaptive
 * batch size, lock_timeout, throttles, progress, checkpoint): each batch is one autocommit
 * statement that reads a key range, inserts it into the backup table and advances the
 * checkpoint, gated on the checkpoint row like the backfill's own SQL path. After kill -9 the
 * rerun resumes after the last committed batch: every row is copied exactly once.
 */
export async function columnCopySource(
  db: Database,
  spec: ColumnCopySpec,
): Promise<BackfillSource & { replicaLagMs(): Promise<number> }> {
  const info = await db.withSession((s) =>
    readTable(s, { schema: spec.schema, table: spec.table }, 'backup copy', spec.keys),
  );
  const pager = keysetPager(info);
  let upper: Cursor | undefined;
  const { use, hold } = jobSessions(db, spec.lockTimeoutMs);
  const target = `${info.label}.${spec.column}`;
  return {
    target,
    paging: pager.paging,
    hold,
    estimate: () => use((s) => estimateRows(s, info)),
    replicaLagMs: () => use(replicaLagOn),
    open: (job, restart) =>
      use(async (s): Promise<OpenedJob> => {
        await ensureCheckpointTable(s);
        const estimatedRows = await estimateRows(s, info);
        const existing = await readCheckpoint(s, job);
        if (existing && !restart) {
          upper = existing.upper_key ?? undefined;
          const rowsDone = Number(existing.rows_done);
          if (existing.status === 'done')
            return { state: 'done', cursor: undefined, rowsDone, estimatedRows };
          await setCheckpointStatus(s, job, 'running');
          return { state: 'resumed', cursor: existing.last_key ?? undefined, rowsDone, estimatedRows };
        }
        upper = await pager.upperBound(s);
        await startCheckpoint(s, job, target, pager.paging, upper, true);
        return { state: 'new', cursor: undefined, rowsDone: 0, estimatedRows };
      }),
    processBatch: (job, cursor, limit) =>
      use(async (session) => {
        if (!upper) {
          // An empty table: nothing to copy, only the checkpoint to finish.
          await advanceCheckpoint(session, job, cursor, 0, true);
          return { rows: 0, changed: 0, cursor, done: true };
        }
        try {
          return await copyBatch(session, job, cursor, upper, limit);
        } catch (error) {
          return resumeAfterConflict(session, job, error);
        }
      }),
    close: (job, status, error) => use((s) => setCheckpointStatus(s, job, status, error)),
    isTransient: isTransientPgError,
  };

  async function copyBatch(
    session: Session,
    job: string,
    cursor: Cursor | undefined,
    to: Cursor,
    limit: number,
  ) {
    const params: unknown[] = [];
    const range = pager.range(cursor, to, limit, params);
    const keys = pager.identity.map((c, i) => `${c.sql} as ballast_k${i}`).join(', ');
    const keyOut = pager.identity.map((_, i) => `ballast_k${i}`).join(', ');
    const lastKey = pager.identity.map((_, i) => `ballast_k${i}::text`).join(', ');
    const desc = pager.identity.map((_, i) => `ballast_k${i} desc`).join(', ');
    const checkpoint = advanceCheckpointCte(params, job, cursor, {
      rows: '(select count(*) from ballast_batch)',
      cursor: `coalesce((select jsonb_build_array(${lastKey}) from ballast_last), last_key)`,
      done: `(select count(*) from ballast_batch) < ${param(params, limit)}`,
    });
    const [row] = await session.query<{ rows: number; last: Cursor | null; checkpointed: number }>(
      `with ${checkpoint.lock}, ballast_batch as materialized (
         select ${keys}, ${qi(spec.column)} as ballast_value from ${info.sql} where ${range.where} ${range.orderLimit}
       ), ballast_last as materialized (
         select * from ballast_batch order by ${desc} limit 1
       ), ballast_copied as (
         insert into ${spec.into} select ${keyOut}, ballast_value from ballast_batch where ${CHECKPOINT_GATE}
         returning 1
       ), ${checkpoint.advance}
       select (select count(*) from ballast_batch)::int as rows,
              (select json_build_array(${lastKey}) from ballast_last) as last,
              (select count(*) from ballast_checkpoint)::int as checkpointed`,
      params,
    );
    assertCheckpointed(row!.checkpointed, job, cursor);
    const done = row!.rows < limit;
    return { rows: row!.rows, changed: row!.rows, cursor: row!.last ?? cursor, done };
  }
}
