import { connect } from './sql-clients.js';
import { nowMs } from './stats.js';

/** One look at a watched session caught waiting on a lock. */
export interface LockWaitSighting {
  readonly session: number;
  /** `Waiting for table metadata lock` (PROCESSLIST.STATE), or `row lock wait` (INNODB_TRX). */
  readonly state: string;
  readonly query: string | null;
  readonly at: number;
}

export interface LockWaitWatch {
  /** Everything seen so far. */
  seen(): readonly LockWaitSighting[];
  /** Resolves on the first sighting (of one of `of`, default any), or false after `timeoutMs`. */
  firstSighting(timeoutMs: number, of?: readonly number[]): Promise<boolean>;
  stop(): Promise<readonly LockWaitSighting[]>;
}

/**
 * Polls a MySQL/MariaDB server's session list from a connection of its own and keeps every time
 * one of `sessions` is seen waiting on a metadata lock (PROCESSLIST, every `everyMs`) or, with
 * `rowLocks`, an InnoDB row lock (INNODB_TRX, every 150 ms: InnoDB refreshes that table's cache
 * only after 100 ms without a reader, so a faster poll would read stale rows, and so would the
 * runner's own lock probe: only ask for row locks where no Ballast code runs). A sighting is a
 * fact the server reported, not a latency: tests assert on it without timing anything.
 */
export async function watchMysqlLockWaits(
  url: string,
  sessions: readonly number[],
  options: { readonly everyMs?: number; readonly rowLocks?: boolean } = {},
): Promise<LockWaitWatch> {
  const list = sessions.map(Number).join(', ');
  const sightings: LockWaitSighting[] = [];
  let stopping = false;
  let failure: unknown;
  const poll = async (everyMs: number, sql: string) => {
    const conn = await connect(url);
    try {
      while (!stopping && failure === undefined) {
        const rows = await conn.query<{ session: number; state: string; query: string | null }>(sql);
        const at = nowMs();
        for (const r of rows)
          sightings.push({ session: Number(r.session), state: r.state, query: r.query, at });
        await new Promise((r) => setTimeout(r, everyMs));
      }
    } catch (error) {
      failure = error; // reported by stop(), not as an unhandled rejection mid-run
    } finally {
      await conn.close().catch(() => {});
    }
  };
  const everyMs = options.everyMs ?? 5;
  const loops = [
    poll(
      everyMs,
      `select ID as session, STATE as state, INFO as query from information_schema.PROCESSLIST
        where ID in (${list}) and STATE like 'Waiting for%metadata lock'`,
    ),
    ...(options.rowLocks
      ? [
          poll(
            150,
            `select trx_mysql_thread_id as session, 'row lock wait' as state, trx_query as query
               from information_schema.INNODB_TRX where trx_mysql_thread_id in (${list}) and trx_state = 'LOCK WAIT'`,
          ),
        ]
      : []),
  ];
  return {
    seen: () => sightings,
    firstSighting: async (timeoutMs, of = sessions) => {
      const until = Date.now() + timeoutMs;
      const seen = () => sightings.some((s) => of.includes(s.session));
      while (!seen() && !stopping && Date.now() < until) await new Promise((r) => setTimeout(r, everyMs));
      return seen();
    },
    stop: async () => {
      stopping = true;
      await Promise.all(loops);
      if (failure !== undefined) throw failure;
      return sightings;
    },
  };
}
