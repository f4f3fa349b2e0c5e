import type { Database, Session } from '../../db.js';
import { quoteIdent } from '../../dialects/quote.js';
import { runtimeOf } from '../../dialects/runtime-of.js';
import { CheckpointConflictError } from '../pg/checkpoints.js';
import type { BackfillSource, BatchOutcome, Cursor, OpenedJob } from '../types.js';
import type { MysqlTableInfo } from './catalog.js';
import {
  advanceMysqlCheckpoint,
  ensureMysqlCheckpointTable,
  lockMysqlCheckpoint,
  readMysqlCheckpoint,
  setMysqlCheckpointStatus,
  startMysqlCheckpoint,
} from './checkpoints.js';

/**
 * Writes one batch: `range` is a condition on the primary key columns (unqualified, or
 * qualified by the source's `alias`) with its
 * `params`, covering exactly the batch's keys (`rows` of them when the batch's end was found);
 * returns the rows written. Runs inside the batch's transaction, after the checkpoint row is locked.
 */
export type RangeWriter = (
  session: Session,
  range: string,
  params: readonly unknown[],
  rows: number,
) => Promise<number>;

/**
 * Keyset batches over an InnoDB table's primary key, up to the bound fixed when the job started;
 * each batch is one transaction that locks the job's checkpoint row, writes its key range (the
 * backfill's UPDATE, the online copy's INSERT … SELECT) and advances the checkpoint, so after
 * kill -9 a rerun resumes after the last committed batch and every row is written exactly once.
 */
export function mysqlKeysetSource(
  db: Database,
  info: MysqlTableInfo,
  options: {
    readonly lockTimeoutMs: number;
    readonly write: RangeWriter;
    /** Qualifies the key columns of the writer's range (for a write that joins another table). */
    readonly alias?: string;
    /** Share-lock each batch's rows while finding its end (a copy that reads them, never writes them). */
    readonly shareLock?: boolean;
  },
): BackfillSource {
  const keys = info.key.map((k) => quoteIdent('mysql', k));
  const cols = `(${keys.join(', ')})`;
  const writeCols = options.alias ? `(${keys.map((k) => `${options.alias}.${k}`).join(', ')})` : cols;
  const tuple = (cursor: Cursor, params: unknown[]) => {
    params.push(...cursor);
    return `(${cursor.map(() => '?').join(', ')})`;
  };
  let upper: Cursor | undefined;
  let held: Session | undefined;
  const use = <T>(fn: (session: Session) => Promise<T>) => (held ? fn(held) : db.withSession(fn));

  return {
    target: info.label,
    paging: 'keyset',
    hold: (fn) =>
      db.withSession(async (session) => {
        // Row-lock waits of a batch (whole seconds); 1205 is then retried smaller by the loop.
        const [was] = await session.query<{ w: number }>('select @@session.innodb_lock_wait_timeout as w');
        await session.query('set session innodb_lock_wait_timeout = ?', [
          Math.max(1, Math.ceil(options.lockTimeoutMs / 1000)),
        ]);
        held = session;
        try {
          return await fn();
        } finally {
          held = undefined;
          await session.query('set session innodb_lock_wait_timeout = ?', [was?.w]).catch(() => {});
        }
      }),
    estimate: () => use((s) => estimateRows(s, info)),
    open: (job, restart) =>
      use(async (s): Promise<OpenedJob> => {
        await ensureMysqlCheckpointTable(s);
        const estimatedRows = await estimateRows(s, info);
        for (;;) {
          const existing = await readMysqlCheckpoint(s, job);
          if (existing && !restart && existing.status === 'done') {
            return { state: 'done', cursor: undefined, rowsDone: Number(existing.rows_done), estimatedRows };
          }
          if (existing && !restart) {
            upper = existing.upper_key ?? undefined;
            await setMysqlCheckpointStatus(s, job, 'running');
            const cursor = existing.last_key ?? undefined;
            return { state: 'resumed', cursor, rowsDone: Number(existing.rows_done), estimatedRows };
          }
          upper = await upperBound(s);
          if (await startMysqlCheckpoint(s, job, info.label, upper, restart)) {
            return { state: 'new', cursor: undefined, rowsDone: 0, estimatedRows };
          }
        }
      }),
    processBatch: (job, cursor, limit) =>
      use(async (session) => {
        await session.query('begin');
        try {
          await lockMysqlCheckpoint(session, job, cursor);
          const outcome = upper ? await writeBatch(session, cursor, upper, limit) : emptyOutcome(cursor);
          await advanceMysqlCheckpoint(session, job, outcome.cursor, outcome.rows, outcome.done);
          await session.query('commit');
          return outcome;
        } catch (error) {
          await session.query('rollback').catch(() => {});
          if (!(error instanceof CheckpointConflictError)) throw error;
          // Another runner committed this batch: nothing was written here; go on from its checkpoint.
          const now = await readMysqlCheckpoint(session, job);
          if (!now) throw error;
          return { rows: 0, changed: 0, cursor: now.last_key ?? undefined, done: now.status === 'done' };
        }
      }),
    close: (job, status, error) => use((s) => setMysqlCheckpointStatus(s, job, status, error)),
    isTransient: (error) => {
      const kind = runtimeOf('mysql').classifyError(error);
      return kind === 'lock-timeout' || kind === 'deadlock';
    },
  };

  async function upperBound(session: Session): Promise<Cursor | undefined> {
    const text = keys.map((k, i) => `cast(${k} as char) as k${i}`).join(', ');
    const [last] = await session.query<Record<string, string>>(
      `select ${text} from ${info.sql} order by ${keys.map((k) => `${k} desc`).join(', ')} limit 1`,
    );
    return last ? keys.map((_, i) => last[`k${i}`]!) : undefined;
  }

  /**
   * The batch's last key, found by skipping `limit - 1` keys in the index (no keys are sent to
   * the client), then one write of the range up to it, which locks exactly those rows (and rows
   * inserted into the range since). With `shareLock` the search itself share-locks the range, so
   * the writer starts with every row of its batch held still.
   */
  async function writeBatch(
    session: Session,
    cursor: Cursor | undefined,
    upperKey: Cursor,
    limit: number,
  ): Promise<BatchOutcome> {
    const params: unknown[] = [];
    const after = cursor ? `${cols} > ${tuple(cursor, params)} and ` : '';
    const range = `${after}${cols} <= ${tuple(upperKey, params)}`;
    const text = keys.map((k, i) => `cast(${k} as char) as k${i}`).join(', ');
    const [end] = await session.query<Record<string, string>>(
      `select ${text} from ${info.sql} where ${range} order by ${keys.join(', ')} limit 1 offset ?${
        options.shareLock ? ' lock in share mode' : ''
      }`,
      [...params, limit - 1],
    );
    // Fewer than `limit` keys left: the last batch, up to the bound.
    let rows = limit;
    if (!end) {
      const [left] = await session.query<{ n: number }>(
        `select count(*) as n from ${info.sql} where ${range}`,
        params,
      );
      rows = Number(left?.n ?? 0);
      if (rows === 0) return { rows: 0, changed: 0, cursor, done: true };
    }
    const lastKey = end ? keys.map((_, i) => end[`k${i}`]!) : upperKey;
    const bounds: unknown[] = [];
    const lower = cursor ? `${writeCols} > ${tuple(cursor, bounds)} and ` : '';
    const changed = await options.write(
      session,
      `${lower}${writeCols} <= ${tuple(lastKey, bounds)}`,
      bounds,
      rows,
    );
    const done = !end || JSON.stringify(lastKey) === JSON.stringify(upperKey);
    return { rows, changed, cursor: lastKey, done };
  }
}

const emptyOutcome = (cursor: Cursor | undefined): BatchOutcome => ({
  rows: 0,
  changed: 0,
  cursor,
  done: true,
});

async function estimateRows(session: Session, info: MysqlTableInfo): Promise<number | undefined> {
  const [row] = await session.query<{ n: number | null }>(
    `select TABLE_ROWS as n from information_schema.TABLES
      where TABLE_SCHEMA = coalesce(?, database()) and TABLE_NAME = ?`,
    [info.table.schema ?? null, info.table.name],
  );
  return row?.n === null || row?.n === undefined ? undefined : Number(row.n);
}
