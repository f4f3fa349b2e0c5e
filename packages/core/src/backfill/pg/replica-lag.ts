import type { Database } from '../../db.js';
import type { Throttle } from '../types.js';

/** Worst replay lag among streaming replicas, in ms (0 with no replica or when lag is unknown). */
export async function maxReplicaLagMs(db: Database): Promise<number> {
  return db.withSession(async (s) => {
    const [row] = await s.query<{ ms: number | null }>(
      'select max(extract(epoch from replay_lag) * 1000)::float8 as ms from pg_stat_replication',
    );
    return row?.ms ?? 0;
  });
}

/**
 * Asks the loop to wait while a replica replays more than `maxLagMs` behind, so the backfill's
 * write volume never leaves read replicas serving stale data. `readLag` defaults to
 * pg_stat_replication on the primary.
 */
export function replicaLagThrottle(
  db: Database,
  maxLagMs: number,
  readLag: () => Promise<number> = () => maxReplicaLagMs(db),
): Throttle {
  return async () => {
    const lag = await readLag();
    if (lag <= maxLagMs) return undefined;
    return {
      waitMs: Math.min(5000, Math.max(250, lag - maxLagMs)),
      reason: `replica lag ${(lag / 1000).toFixed(1)} s > ${(maxLagMs / 1000).toFixed(1)} s`,
    };
  };
}
