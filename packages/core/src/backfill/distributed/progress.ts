import type { Database, Session } from '../../db.js';
import { CHECKPOINT_TABLE } from '../pg/checkpoints.js';
import { distributedTablesExist, readDistributed, WORKERS_TABLE } from './tables.js';

/** A worker counts as alive while it reported within this long (it reports between batches and while paused). */
export const WORKER_ALIVE_SECONDS = 60;

/**
 * Between batches of a range: records that `worker` is alive on it, and folds the ranges'
 * checkpoints into the job's own row (rows, batches, status), so `ballast backfill status <job>`
 * shows the combined progress, rate and ETA. The job is done when every range is; cancelled when
 * a cancel was requested and no range runs any more; failed when no range runs and one failed.
 * A cancelled job stays cancelled (only startDistributedBackfill starts it again): a range a
 * worker took from the queue after the cancel must not make it look running. Returns the job's
 * status, so that range stops too.
 */
export async function syncJob(
  session: Session,
  job: string,
  ranges: readonly string[],
  worker: string,
  range: number,
): Promise<string | undefined> {
  await session.query(
    `with heartbeat as (
       insert into ${WORKERS_TABLE} (worker, job, range_index) values ($3, $1, $4)
       on conflict (worker, job) do update set range_index = excluded.range_index, seen_at = now()
     ), r as (
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
     )
     update ${CHECKPOINT_TABLE} c
        set rows_done = s.rows, batches = s.batches, status = s.status, updated_at = now(),
            error = case when s.status = 'failed' then s.error end,
            request = case when s.status in ('done', 'cancelled') then null else c.request end,
            paused_at = case when s.status in ('done', 'cancelled') then null else c.paused_at end
       from s where c.job = $1 and c.status not in ('done', 'cancelled')`,
    [job, ranges, worker, range],
  );
  const [row] = await session.query<{ status: string }>(
    `select status from ${CHECKPOINT_TABLE} where job = $1`,
    [job],
  );
  return row?.status;
}

export interface BackfillWorkerStatus {
  readonly worker: string;
  /** The range it runs (or ran last). */
  readonly range: number | null;
  readonly startedAt: Date;
  readonly seenAt: Date;
  readonly alive: boolean;
}

/**
 * The workers that ran ranges of a distributed job, newest report first; undefined when `job`
 * is not a distributed backfill.
 */
export async function backfillWorkers(
  db: Database,
  job: string,
): Promise<BackfillWorkerStatus[] | undefined> {
  return db.withSession(async (s) => {
    if (!(await distributedTablesExist(s)) || !(await readDistributed(s, job))) return undefined;
    const rows = await s.query<{
      worker: string;
      range_index: number | null;
      started_at: Date;
      seen_at: Date;
      alive: boolean;
    }>(
      `select worker, range_index, started_at, seen_at, seen_at > now() - make_interval(secs => $2) as alive
         from ${WORKERS_TABLE} where job = $1 order by seen_at desc`,
      [job, WORKER_ALIVE_SECONDS],
    );
    return rows.map((r) => ({
      worker: r.worker,
      range: r.range_index,
      startedAt: r.started_at,
      seenAt: r.seen_at,
      alive: r.alive,
    }));
  });
}
