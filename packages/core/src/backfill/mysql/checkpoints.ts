import type { Session } from '../../db.js';
import { createIfMissing, objectExists } from '../../run/ensure-table.js';
import { CHECKPOINT_TABLE, CheckpointConflictError, type CheckpointRow } from '../pg/checkpoints.js';
import type { Cursor } from '../types.js';

/**
 * Backfill checkpoints on MySQL/MariaDB: the same `ballast_backfill_checkpoints` as PostgreSQL,
 * an InnoDB table, so a batch's writes and its checkpoint advance commit together (or not at all
 * after kill -9). Keys are JSON text (MariaDB's JSON is LONGTEXT): compared as text, written by
 * JSON.stringify only.
 */
const DDL = `create table if not exists ${CHECKPOINT_TABLE} (
  job varchar(255) not null primary key,
  target varchar(255) not null,
  paging varchar(16) not null,
  last_key text,
  upper_key text,
  rows_done bigint not null default 0,
  batches bigint not null default 0,
  status varchar(16) not null,
  error text,
  started_at datetime(6) not null default current_timestamp(6),
  updated_at datetime(6) not null default current_timestamp(6)) engine = InnoDB`;

const json = (cursor: Cursor | undefined) => (cursor === undefined ? null : JSON.stringify(cursor));
const parse = (text: string | null): Cursor | null => (text === null ? null : (JSON.parse(text) as Cursor));

export const ensureMysqlCheckpointTable = (session: Session) =>
  createIfMissing(session, 'relation', CHECKPOINT_TABLE, DDL);

export async function readMysqlCheckpoint(session: Session, job: string): Promise<CheckpointRow | undefined> {
  const [row] = await session.query<CheckpointRow & { last_key: string | null; upper_key: string | null }>(
    `select job, target, paging, last_key, upper_key, cast(rows_done as char) as rows_done,
            cast(batches as char) as batches, status from ${CHECKPOINT_TABLE} where job = ?`,
    [job],
  );
  return row && { ...row, last_key: parse(row.last_key), upper_key: parse(row.upper_key) };
}

/** Starts (or, with `replace`, resets) the job; false when another runner created it first. */
export async function startMysqlCheckpoint(
  session: Session,
  job: string,
  target: string,
  upper: Cursor | undefined,
  replace: boolean,
): Promise<boolean> {
  const values = [job, target, json(upper)];
  if (replace) {
    await session.query(
      `replace into ${CHECKPOINT_TABLE} (job, target, paging, last_key, upper_key, status)
       values (?, ?, 'keyset', null, ?, 'running')`,
      values,
    );
    return true;
  }
  await session.query(
    `insert ignore into ${CHECKPOINT_TABLE} (job, target, paging, last_key, upper_key, status)
     values (?, ?, 'keyset', null, ?, 'running')`,
    values,
  );
  const [row] = await session.query<{ n: number }>(
    `select count(*) as n from ${CHECKPOINT_TABLE} where job = ? and last_key is null and batches = 0`,
    [job],
  );
  return Number(row?.n) === 1;
}

export async function setMysqlCheckpointStatus(
  session: Session,
  job: string,
  status: CheckpointRow['status'],
  error?: string,
): Promise<void> {
  // A finished job stays finished (a late loser of a runner race must not mark it failed).
  await session.query(
    `update ${CHECKPOINT_TABLE} set status = ?, error = ?, updated_at = current_timestamp(6)
      where job = ? and status <> 'done'`,
    [status, error ?? null, job],
  );
}

/**
 * Inside the batch transaction: locks the job's checkpoint row and checks nobody else moved it,
 * so two runners of one job cannot both apply a batch.
 */
export async function lockMysqlCheckpoint(session: Session, job: string, expected: Cursor | undefined) {
  const [row] = await session.query<{ last_key: string | null }>(
    `select last_key from ${CHECKPOINT_TABLE} where job = ? for update`,
    [job],
  );
  if (row && row.last_key === json(expected)) return;
  throw new CheckpointConflictError(
    `backfill job ${job}: its checkpoint is ${row ? `at ${row.last_key}` : 'gone'}, this runner expected ${json(expected)}`,
    {
      where: `${CHECKPOINT_TABLE}.job = ${job}`,
      hint: 'another process is running (or restarted) the same job; let it finish, or stop it and rerun to resume',
    },
  );
}

/** Inside the batch transaction: advances the checkpoint by one batch. */
export async function advanceMysqlCheckpoint(
  session: Session,
  job: string,
  cursor: Cursor | undefined,
  rows: number,
  done: boolean,
): Promise<void> {
  await session.query(
    `update ${CHECKPOINT_TABLE} set last_key = ?, rows_done = rows_done + ?, batches = batches + 1,
       status = ?, updated_at = current_timestamp(6) where job = ?`,
    [json(cursor), rows, done ? 'done' : 'running', job],
  );
}

/** Forgets a job's progress, so its next run starts from the first row (see run/undo-on-failure.ts). */
export async function forgetMysqlCheckpoint(session: Session, job: string): Promise<void> {
  if (await objectExists(session, 'relation', CHECKPOINT_TABLE))
    await session.query(`delete from ${CHECKPOINT_TABLE} where job = ?`, [job]);
}
