import type { Session } from '../../db.js';
import type { Blocker } from '../runtime.js';
import { maskLiterals } from './mask.js';

/** Query text kept per blocker: enough to recognise the statement, values masked first. */
const QUERY_CHARS = 120;

/** One line of another session's query: values masked, whitespace collapsed, then cut. */
export const blockerQuery = (query: string | null): string | null =>
  query === null ? null : maskLiterals(query).replace(/\s+/g, ' ').trim().slice(0, QUERY_CHARS);

/**
 * The sessions pg_blocking_pids names for backend `pid`. Sampled while our statement waits:
 * after lock_timeout fires, pg_blocking_pids of our pid is empty again.
 */
export async function pgBlockersOf(session: Session, pid: number): Promise<Blocker[]> {
  const rows = await session.query<Blocker>(
    `select a.pid, a.state,
            round(extract(epoch from now() - coalesce(a.xact_start, a.query_start))::numeric, 1)::float8 as "ageSeconds",
            a.query
       from pg_stat_activity a where a.pid = any(pg_blocking_pids($1)) order by a.pid`,
    [pid],
  );
  return rows.map((b) => ({ ...b, query: blockerQuery(b.query) }));
}

export const formatPgBlocker = (b: Blocker) =>
  `pid ${b.pid} (${b.state ?? 'unknown state'}, transaction age ${b.ageSeconds ?? '?'} s): ${JSON.stringify(b.query ?? '')}`;
