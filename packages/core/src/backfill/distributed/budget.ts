import type { Database } from '../../db.js';
import type { Throttle } from '../types.js';
import { DISTRIBUTED_TABLE } from './tables.js';

/**
 * The global rate budget shared by every worker of `job`: a token bucket in the job's row,
 * refilled at `rows_per_second` (at most one second of burst). Before each batch a worker debits
 * the rows its previous batch read, in one atomic UPDATE; while the bucket is in deficit, every
 * worker waits for its refill. With no budget set the UPDATE matches nothing and nobody waits.
 */
export function globalBudgetThrottle(db: Database, job: string): Throttle {
  let reported: number | undefined;
  return async ({ rowsDone }) => {
    const debit = reported === undefined ? 0 : Math.max(0, rowsDone - reported);
    reported = rowsDone;
    const [row] = await db.withSession((s) =>
      s.query<{ tokens: number; rate: number }>(
        `update ${DISTRIBUTED_TABLE}
            set tokens = least(rows_per_second,
                  tokens + rows_per_second * extract(epoch from clock_timestamp() - refilled_at)::float8) - $2,
                refilled_at = clock_timestamp()
          where job = $1 and rows_per_second is not null
          returning tokens, rows_per_second as rate`,
        [job, debit],
      ),
    );
    if (!row || row.tokens >= 0) return undefined;
    return {
      waitMs: Math.min(5000, Math.ceil((-row.tokens / row.rate) * 1000)),
      reason: `global budget of ${row.rate} rows/s shared by all workers`,
    };
  };
}
