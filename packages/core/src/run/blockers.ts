import type { Database } from '../db.js';
import { maskLiterals } from '../dialects/postgres/mask.js';
import { startPoller } from './poller.js';

/**
 * Who blocks a backend: sampled from another session while our statement waits (after the lock
 * timeout fires, pg_blocking_pids of our pid is empty again), so a retry can say who to look at.
 */
export interface Blocker {
  readonly pid: number;
  readonly state: string | null;
  readonly ageSeconds: number | null;
  readonly query: string | null;
}

/** Query text kept per blocker: enough to recognise the statement, values masked first. */
const QUERY_CHARS = 120;

/** One line of another session's query: values masked, whitespace collapsed, then cut. */
export const blockerQuery = (query: string | null): string | null =>
  query === null ? null : maskLiterals(query).replace(/\s+/g, ' ').trim().slice(0, QUERY_CHARS);

export async function blockersOf(db: Database, pid: number): Promise<Blocker[]> {
  const rows = await db.withSession((s) =>
    s.query<Blocker>(
      `select a.pid, a.state,
              round(extract(epoch from now() - coalesce(a.xact_start, a.query_start))::numeric, 1)::float8 as "ageSeconds",
              a.query
         from pg_stat_activity a where a.pid = any(pg_blocking_pids($1)) order by a.pid`,
      [pid],
    ),
  );
  return rows.map((b) => ({ ...b, query: blockerQuery(b.query) }));
}

export const formatBlocker = (b: Blocker) =>
  `pid ${b.pid} (${b.state ?? 'unknown state'}, transaction age ${b.ageSeconds ?? '?'} s): ${JSON.stringify(b.query ?? '')}`;

/** Samples the blockers of `pid` every `intervalMs`; stop() returns the last non-empty sample. */
export function watchBlockers(db: Database, pid: number, intervalMs: number) {
  let last: Blocker[] = [];
  const poller = startPoller(intervalMs, async () => {
    const found = await blockersOf(db, pid);
    if (found.length > 0) last = found;
  });
  return {
    async stop(): Promise<Blocker[]> {
      await poller.stop();
      return last;
    },
  };
}
