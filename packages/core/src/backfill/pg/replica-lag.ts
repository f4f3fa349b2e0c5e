import type { Database, Session } from '../../db.js';
import { replicaLagThrottleOf } from '../throttle.js';
import type { Throttle } from '../types.js';

/** Worst replay lag among streaming replicas, in ms (0 with no replica or when lag is unknown). */
export function maxReplicaLagMs(db: Database): Promise<number> {
  return db.withSession(replicaLagOn);
}

export async function replicaLagOn(session: Session): Promise<number> {
  const [row] = await session.query<{ ms: number | null }>(
    'select max(extract(epoch from replay_lag) * 1000)::float8 as ms from pg_stat_replication',
  );
  return row?.ms ?? 0;
}

/** The replica-lag throttle on PostgreSQL: `readLag` defaults to pg_stat_replication on the primary. */
export function replicaLagThrottle(
  db: Database,
  maxLagMs: number,
  readLag: () => Promise<number> = () => maxReplicaLagMs(db),
): Throttle {
  return replicaLagThrottleOf(maxLagMs, readLag);
}
