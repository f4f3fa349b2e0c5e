import type { Session } from '../../db.js';
import { BallastError } from '../../errors.js';
import { createIfMissing, objectExists } from '../../run/ensure-table.js';
import type { BatchOutcome, Cursor } from '../types.js';

/**
 * Backfill checkpoints live in the migrated database (`ballast_backfill_checkpoints`), and every
 * batch advances its row in the batch's own transaction: after kill -9 the job resumes exactly
 * after the last committed batch.
 */
export const CHECKPOINT_TABLE = 'ballast_backfill_checkpoints';

export interface CheckpointRow {
  readonly job: string;
  readonly target: string;
  readonly paging: string;
  readonly last_key: Cursor | null;
  readonly upper_key: Cursor | null;
  readonly rows_done: string;
  readonly batches: string;
  readonly status: 'running' | 'done' | 'cancelled' | 'failed';
  /** Absent on a table created before `ballast backfill pause|resume|cancel` existed. */
  readonly request?: ControlRequest | null;
  readonly paused_at?: Date | null;
}

/**
 * A request stored by `ballast backfill pause|cancel` (from another terminal), honoured by the
 * batch loop between batches; `resume` clears it. `paused_at` is set by the loop while it waits.
 */
export type ControlRequest = 'pause' | 'cancel';

/** Another process advanced the job's checkpoint under us (two runners of one job). */
export class CheckpointConflictError extends BallastError {
  override readonly name = 'CheckpointConflictError';
}

export const CHECKPOINT_DDL = `create table if not exists ${CHECKPOINT_TABLE} (
  job text primary key,
  target text not null,
  paging text not null,
  last_key jsonb,
  upper_key jsonb,
  rows_done bigint not null default 0,
  batches bigint not null default 0,
  status text not null check (status in ('running', 'done', 'cancelled', 'failed')),
  error text,
  started_at timestamptz not null default now(),
  updated_at timestamptz not null default now());
alter table ${CHECKPOINT_TABLE}
  add column if not exists request text check (request in ('pause', 'cancel')),
  add column if not exists paused_at timestamptz`;

/** Columns added after the first release: a table without them runs CHECKPOINT_DDL again. */
const CONTROL_COLUMNS = ['request', 'paused_at'];

const checkpointTableExists = (session: Session) => objectExists(session, 'relation', CHECKPOINT_TABLE);

export function ensureCheckpointTable(session: Session): Promise<void> {
  return createIfMissing(session, 'relation', CHECKPOINT_TABLE, CHECKPOINT_DDL, CONTROL_COLUMNS);
}

/**
 * Forgets a job's progress, and its key ranges' when it ran as ranges (pg/ranged.ts), so its
 * next run starts from the first row (see run/run-plan.ts undo, and `restart`).
 */
export async function forgetCheckpoint(session: Session, job: string): Promise<void> {
  if (!(await checkpointTableExists(session))) return;
  const [parent] = await session.query<{ ranges: string[] | null }>(
    `delete from ${CHECKPOINT_TABLE} where job = $1
     returning case when paging = '${KEY_RANGES_PAGING}' then upper_key end as ranges`,
    [job],
  );
  const count = Number(parent?.ranges?.[0] ?? 0);
  if (count > 0)
    await session.query(`delete from ${CHECKPOINT_TABLE} where job = any($1::text[])`, [
      rangeJobNames(job, count),
    ]);
}

/**
 * A job run as key ranges in one process (pg/ranged.ts): its own row has this paging and its
 * `upper_key` holds the number of ranges; each range is a job of its own (`rangeJobName`).
 */
export const KEY_RANGES_PAGING = 'key-ranges';
/** The job row of a distributed backfill (startDistributedBackfill): its workers fill its ranges. */
export const DISTRIBUTED_PAGING = 'ranges';

/** Range `i` of `job` is checkpointed under this name (`<job>#<i>`), like any other backfill job. */
export const rangeJobName = (job: string, index: number) => `${job}${RANGE_SEPARATOR}${index}`;
/** Between a job's name and its range's index; listCheckpoints matches ranges by it too. */
const RANGE_SEPARATOR = '#';

export const rangeJobNames = (job: string, ranges: number) =>
  Array.from({ length: ranges }, (_, i) => rangeJobName(job, i));

/**
 * Folds the ranges' checkpoints into the job's own row (rows, batches, status), so
 * `backfillStatus(job)` shows the whole job. The job is done when every range is; cancelled when
 * a cancel was requested and no range runs any more; failed when no range runs and one failed.
 * A cancelled job stays cancelled until a run starts it again: a range taken up after the cancel
 * must not make it look running. Returns the job's status.
 */
export async function foldRanges(
  session: Session,
  job: string,
  ranges: readonly string[],
): Promise<string | undefined> {
  const [row] = await session.query<{ status: string }>(
    `with r as (
       select coalesce(sum(rows_done), 0) as rows, coalesce(sum(batches), 0) as batches,
              count(*) filter (where status <> 'done') as open,
              count(*) filter (where status = 'running') as running,
              count(*) filter (where status = 'failed') as failed,
              max(error) filter (where status = 'failed') as error
         from ${CHECKPOINT_TABLE} where job = any($2::text[])
     ), s as (
       select r.*, case when r.open = 0 then 'done' when r.running > 0 then 'running'
                        when c.request = 'cancel' then 'cancelled' when r.failed > 0 then 'failed'
                        else 'running' end as status
         from r, ${CHECKPOINT_TABLE} c where c.job = $1
     ), folded as (
       update ${CHECKPOINT_TABLE} c
          set rows_done = s.rows, batches = s.batches, status = s.status, updated_at = now(),
              error = case when s.status = 'failed' then s.error end,
              request = case when s.status in ('done', 'cancelled') then null else c.request end,
              paused_at = case when s.status in ('done', 'cancelled') then null else c.paused_at end
         from s where c.job = $1 and c.status not in ('done', 'cancelled')
        returning c.status
     )
     select coalesce((select status from folded), (select status from ${CHECKPOINT_TABLE} where job = $1)) as status`,
    [job, ranges],
  );
  return row?.status;
}

export async function readCheckpoint(session: Session, job: string): Promise<CheckpointRow | undefined> {
  const [row] = await session.query<CheckpointRow>(`select * from ${CHECKPOINT_TABLE} where job = $1`, [job]);
  return row;
}

/** readCheckpoint without needing the table: undefined when no backfill ever ran here (dry runs). */
export async function peekCheckpoint(session: Session, job: string): Promise<CheckpointRow | undefined> {
  return (await checkpointTableExists(session)) ? readCheckpoint(session, job) : undefined;
}

/**
 * Starts the job's checkpoint with its fixed upper bound. With `replace`, resets an existing one
 * (restart); without, returns false when another runner created it first. `lower` starts the
 * cursor after a key (a range of a distributed backfill).
 */
export async function startCheckpoint(
  session: Session,
  job: string,
  target: string,
  paging: string,
  upper: Cursor | undefined,
  replace: boolean,
  lower?: Cursor,
): Promise<boolean> {
  const onConflict = replace
    ? `do update set target = excluded.target, paging = excluded.paging, last_key = null,
       upper_key = excluded.upper_key, rows_done = 0, batches = 0, status = 'running', error = null,
       request = null, paused_at = null, started_at = now(), updated_at = now()`
    : 'do nothing';
  const rows = await session.query(
    `insert into ${CHECKPOINT_TABLE} (job, target, paging, last_key, upper_key, rows_done, batches, status)
     values ($1, $2, $3, $5, $4, 0, 0, 'running')
     on conflict (job) ${onConflict} returning job`,
    [
      job,
      target,
      paging,
      upper === undefined ? null : JSON.stringify(upper),
      lower === undefined ? null : JSON.stringify(lower),
    ],
  );
  return rows.length === 1;
}

export async function setCheckpointStatus(
  session: Session,
  job: string,
  status: CheckpointRow['status'],
  error?: string,
): Promise<void> {
  await session.query(
    // A finished job stays finished (a late loser of a runner race must not mark it failed). A
    // request ends with the run that saw it: a rerun after cancel starts neither paused nor cancelled.
    `update ${CHECKPOINT_TABLE} set status = $2, error = $3, request = null, paused_at = null, updated_at = now()
      where job = $1 and status <> 'done'`,
    [job, status, error ?? null],
  );
}

/**
 * Inside the batch transaction: locks the checkpoint row and checks nobody else moved it, so two
 * runners of one job cannot both apply a batch.
 */
export async function lockCheckpoint(
  session: Session,
  job: string,
  expected: Cursor | undefined,
): Promise<void> {
  const [row] = await session.query<{ last_key: Cursor | null }>(
    `select last_key from ${CHECKPOINT_TABLE} where job = $1 for update`,
    [job],
  );
  const actual = row?.last_key ?? undefined;
  if (!row || JSON.stringify(actual) !== JSON.stringify(expected)) throw conflict(job, expected, actual);
}

function conflict(job: string, expected: Cursor | undefined, actual?: Cursor): CheckpointConflictError {
  const now = actual === undefined ? 'elsewhere' : `at ${JSON.stringify(actual)}`;
  return new CheckpointConflictError(
    `backfill job ${job}: its checkpoint is ${now}, this runner expected ${JSON.stringify(expected ?? null)}`,
    {
      where: `${CHECKPOINT_TABLE}.job = ${job}`,
      hint: 'another process is running (or restarted) the same job; let it finish, or stop it and rerun to resume',
    },
  );
}

/**
 * The checkpoint advance as CTEs of the batch statement itself (the SQL fast path: one
 * autocommit statement, one round trip). `ballast_checkpoint_lock` locks the job's checkpoint
 * row only while it is still at `expected`; the batch's UPDATE must be gated on CHECKPOINT_GATE
 * so that a second runner waits on that lock and then writes nothing. The SQL snippets give the
 * batch's rows, the new cursor (jsonb) and whether the job is done.
 */
export function advanceCheckpointCte(
  params: unknown[],
  job: string,
  expected: Cursor | undefined,
  sql: { readonly rows: string; readonly cursor: string; readonly done: string },
): { readonly lock: string; readonly advance: string } {
  params.push(job, expected === undefined ? null : JSON.stringify(expected));
  const [jobParam, expectedParam] = [`$${params.length - 1}`, `$${params.length}`];
  return {
    lock: `ballast_checkpoint_lock as (
       select 1 from ${CHECKPOINT_TABLE}
        where job = ${jobParam} and last_key is not distinct from ${expectedParam}::jsonb for update)`,
    advance: `ballast_checkpoint as (
       update ${CHECKPOINT_TABLE} set last_key = ${sql.cursor}, rows_done = rows_done + ${sql.rows},
         batches = batches + 1, status = case when ${sql.done} then 'done' else 'running' end, updated_at = now()
        where job = ${jobParam} and exists (select 1 from ballast_checkpoint_lock) returning 1)`,
  };
}

/** The condition that gates a batch's UPDATE on holding the job's checkpoint (see above). */
export const CHECKPOINT_GATE = 'exists (select 1 from ballast_checkpoint_lock)';

export function assertCheckpointed(count: number, job: string, expected: Cursor | undefined): void {
  if (count !== 1) throw conflict(job, expected);
}

/** Inside the batch transaction: advances the checkpoint by one batch. */
export async function advanceCheckpoint(
  session: Session,
  job: string,
  cursor: Cursor | undefined,
  rows: number,
  done: boolean,
): Promise<void> {
  await session.query(
    `update ${CHECKPOINT_TABLE} set last_key = $2, rows_done = rows_done + $3, batches = batches + 1,
       status = $4, updated_at = now() where job = $1`,
    [job, cursor === undefined ? null : JSON.stringify(cursor), rows, done ? 'done' : 'running'],
  );
}

/**
 * Between batches: the job's pending request, recording whether the loop now sits paused (a
 * write only when that changes, so a running job pays one primary-key read per batch).
 */
export async function readControlRequest(
  session: Session,
  job: string,
  paused: boolean,
): Promise<ControlRequest | undefined> {
  const [row] = await session.query<{ request: ControlRequest | null; paused: boolean }>(
    `select request, paused_at is not null as paused from ${CHECKPOINT_TABLE} where job = $1`,
    [job],
  );
  if (row && row.paused !== paused)
    await session.query(
      `update ${CHECKPOINT_TABLE} set paused_at = case when $2 then now() end where job = $1`,
      [job, paused],
    );
  return row?.request ?? undefined;
}

/**
 * Stores a request for a running job (null: resume). Returns the job's checkpoint, or undefined
 * when no job of that name is running. Needs UPDATE on the checkpoint table.
 */
export async function storeControlRequest(
  session: Session,
  job: string,
  request: ControlRequest | null,
): Promise<BackfillJobStatus | undefined> {
  if (!(await checkpointTableExists(session))) return undefined;
  await ensureCheckpointTable(session); // adds the request column to an older table
  const [row] = await session.query<{ job: string }>(
    `update ${CHECKPOINT_TABLE} set request = $2 where job = $1 and status = 'running' returning job`,
    [job, request],
  );
  return row ? (await listCheckpoints(session, job))[0] : undefined;
}

/** Where a job stands, requests included: `pausing` until the loop has seen the pause. */
export type BackfillJobState = CheckpointRow['status'] | 'paused' | 'pausing' | 'cancelling';

const stateOf = (r: CheckpointRow): BackfillJobState =>
  r.status !== 'running'
    ? r.status
    : r.request === 'cancel'
      ? 'cancelling'
      : r.request === 'pause'
        ? r.paused_at
          ? 'paused'
          : 'pausing'
        : 'running';

/** One job's checkpoint, as `backfillStatus` lists it. */
export interface BackfillJobStatus {
  readonly job: string;
  readonly target: string;
  readonly paging: string;
  readonly status: CheckpointRow['status'];
  /** The status with pending requests: `paused`, `pausing`, `cancelling` are running jobs. */
  readonly state: BackfillJobState;
  /** Since when the loop waits on a pause request; null when not paused. */
  readonly pausedAt: Date | null;
  readonly lastKey: Cursor | null;
  readonly rowsDone: number;
  readonly batches: number;
  readonly error: string | null;
  readonly startedAt: Date;
  readonly updatedAt: Date;
}

/**
 * Every job's checkpoint (or one job's), newest first; empty when no backfill ever ran here. The
 * ranges of a job run as ranges (`<job>#<i>`) are left out of the full list: the job's own row sums
 * them up. Asked by name, a range is shown.
 */
export async function listCheckpoints(session: Session, job?: string): Promise<BackfillJobStatus[]> {
  if (!(await checkpointTableExists(session))) return [];
  const rows = await session.query<
    CheckpointRow & { error: string | null; started_at: Date; updated_at: Date }
  >(
    `select * from ${CHECKPOINT_TABLE} c
      where case when $1::text is null
                 then not exists (select 1 from ${CHECKPOINT_TABLE} p
                                   where p.paging = any($2::text[])
                                     and starts_with(c.job, p.job || $3)
                                     and substr(c.job, length(p.job || $3) + 1) ~ '^[0-9]+$')
                 else c.job = $1 end
      order by updated_at desc`,
    [job ?? null, [KEY_RANGES_PAGING, DISTRIBUTED_PAGING], RANGE_SEPARATOR],
  );
  return rows.map((r) => ({
    job: r.job,
    target: r.target,
    paging: r.paging,
    status: r.status,
    state: stateOf(r),
    pausedAt: r.paused_at ?? null,
    lastKey: r.last_key,
    rowsDone: Number(r.rows_done),
    batches: Number(r.batches),
    error: r.error,
    startedAt: r.started_at,
    updatedAt: r.updated_at,
  }));
}

/**
 * A batch that lost its checkpoint gate (CheckpointConflictError) wrote nothing: someone else
 * committed that range — another runner, or the last statement of a killed run that the server
 * finished. Go on from their checkpoint; any other error is rethrown.
 */
export async function resumeAfterConflict(
  session: Session,
  job: string,
  error: unknown,
): Promise<BatchOutcome> {
  if (!(error instanceof CheckpointConflictError)) throw error;
  const now = await readCheckpoint(session, job);
  if (!now) throw error;
  return { rows: 0, changed: 0, cursor: now.last_key ?? undefined, done: now.status === 'done' };
}
