import type { Database, Session } from '../../db.js';
import { foldRanges } from '../pg/checkpoints.js';
import { distributedTablesExist, readDistributed, WORKERS_TABLE } from './tables.js';

/** A worker counts as alive while it reported within this long (it reports between batches and while paused). */
export const WORKER_ALIVE_SECONDS = 60;

/**
 * Between batches of a range: records that `worker` is alive on it, and folds the ranges'
 * checkpoints into the job's own row (foldRanges), so `ballast backfill status <job>` shows the
 * combined progress, rate and ETA. Returns the job's status, so a range of a cancelled job stops too.
 */
export async function syncJob(
  session: Session,
  job: string,
  ranges: readonly string[],
  worker: string,
  range: number,
): Promise<string | undefined> {
  await session.query(
    `insert into ${WORKERS_TABLE} (worker, job, range_index) values ($2, $1, $3)
     on conflict (worker, job) do update set range_index = excluded.range_index, seen_at = now()`,
    [job, worker, range],
  );
  return foldRanges(session, job, ranges);
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
