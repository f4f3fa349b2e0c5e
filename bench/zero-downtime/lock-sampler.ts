/**
 * Longest lock wait, measured on the server: every `intervalMs` we read pg_stat_activity for the
 * application's backends (application_name = pgbench) that wait on a heavyweight lock
 * (wait_event_type = 'Lock': a table lock queued behind DDL, or a row/transaction lock behind a
 * long UPDATE) and keep the largest `now() - query_start` seen. Each pgbench transaction is one
 * statement, so the time since its statement started is its lock wait (plus sub-millisecond
 * execution). Resolution is the sampling interval: a wait shorter than it may be missed, and a
 * longer one is under-estimated by at most one interval.
 */
import pg from 'pg';

export interface LockSampler {
  /** Stops sampling and returns the longest client lock wait seen, in ms (0 if none). */
  stop(): Promise<number>;
}

export async function startLockSampler(url: string, intervalMs = 25): Promise<LockSampler> {
  const client = new pg.Client({ connectionString: url, application_name: 'ballast-bench-sampler' });
  await client.connect();
  let maxWaitMs = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await client.query<{ waited_ms: number | null }>(
        `select max(extract(epoch from clock_timestamp() - query_start) * 1000)::float8 as waited_ms
           from pg_stat_activity
          where wait_event_type = 'Lock' and application_name = 'pgbench' and datname = current_database()`,
      );
      maxWaitMs = Math.max(maxWaitMs, rows[0]?.waited_ms ?? 0);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await client.end();
      return maxWaitMs;
    },
  };
}
