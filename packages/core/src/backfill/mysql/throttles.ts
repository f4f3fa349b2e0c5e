import type { Database, Session } from '../../db.js';
import { replicaLagThrottleOf } from '../throttle.js';
import type { Throttle } from '../types.js';

/**
 * Replication lag as this server reports it in `SHOW REPLICA STATUS` (MariaDB 10.5.1+, MySQL
 * 8.0.22+) or `SHOW SLAVE STATUS` (older): the worst Seconds_Behind_Source/Master of its
 * channels, in ms; 0 when it replicates from nobody or the lag is unknown (NULL).
 */
export async function mysqlReplicaLagMs(session: Session): Promise<number> {
  const rows = await session
    .query<Record<string, unknown>>('show replica status')
    .catch(() => session.query<Record<string, unknown>>('show slave status'));
  let worst = 0;
  for (const row of rows) {
    const s = row.Seconds_Behind_Source ?? row.Seconds_Behind_Master;
    if (s !== null && s !== undefined) worst = Math.max(worst, Number(s) * 1000);
  }
  return worst;
}

/** ER_SPECIFIC_ACCESS_DENIED_ERROR, ER_ACCESS_DENIED_ERROR, ER_DBACCESS_DENIED_ERROR. */
const ACCESS_DENIED = new Set([1227, 1045, 1044]);

export function mysqlReplicaLagThrottle(db: Database, maxLagMs: number): Throttle {
  let readable = true;
  return replicaLagThrottleOf(maxLagMs, async () => {
    if (!readable) return 0;
    return db.withSession(mysqlReplicaLagMs).catch((error: { errno?: number; message?: string }) => {
      if (!ACCESS_DENIED.has(error?.errno ?? 0)) throw error;
      // A role without REPLICATION CLIENT (MariaDB: SLAVE MONITOR) cannot read it: say so once, go on unthrottled.
      readable = false;
      process.emitWarning(
        `replica lag is not checked: SHOW REPLICA STATUS was refused (${error.message}); grant REPLICATION CLIENT (MariaDB 10.5+: SLAVE MONITOR) to the migration role, or set maxReplicaLagMs: 0`,
        'BallastWarning',
      );
      return 0;
    });
  });
}

/**
 * Waits while more than `max` threads run statements (`Threads_running`, pt-osc's --max-load
 * signal): a busy server gets its CPU back before the next batch.
 */
export function threadsRunningThrottle(db: Database, max: number): Throttle {
  return async () => {
    const [row] = await db.withSession((s) =>
      s.query<{ Value: string }>("show global status like 'Threads_running'"),
    );
    const running = Number(row?.Value ?? 0);
    if (running <= max) return undefined;
    return { waitMs: 250, reason: `Threads_running ${running} > ${max}` };
  };
}
