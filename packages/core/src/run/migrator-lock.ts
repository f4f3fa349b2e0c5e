import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database } from '../db.js';
import { LockedError } from '../errors.js';
import { ensureTable } from './ensure-table.js';
import { type MigratorLockOptions, RUN_DEFAULTS } from './options.js';
import { sleep } from './retry.js';

/**
 * The migrator lock: a row in ballast_locks, not a session advisory lock, so it survives the
 * connection churn of a pool and names its holder. The holder renews `expires_at` every
 * min(TTL/3, 1 s), recording the backend that renewed it; anyone may take the row over once it
 * expired, or at once when that backend is gone from pg_stat_activity on the same server and the
 * holder missed two renewals (the process died: kill -9, OOM, a lost machine). The missed renewals
 * keep a live holder whose pool just closed that connection (idle timeout, max lifetime) from
 * looking dead. A backend we cannot see (another server, a pool in between, a pid reused by a
 * session hidden from us) keeps the TTL rule.
 */
export const DDL = `create table if not exists ballast_locks (
  name text primary key,
  holder text not null,
  pid integer,
  host text,
  acquired_at timestamptz not null default now(),
  expires_at timestamptz not null);
alter table ballast_locks add column if not exists backend_pid integer,
  add column if not exists backend_start timestamptz,
  add column if not exists server_start timestamptz,
  add column if not exists heartbeat_at timestamptz`;

/** Columns added after the first release: a table without them runs DDL again (ensureTable). */
const UPGRADE_COLUMNS = ['backend_pid', 'backend_start', 'server_start', 'heartbeat_at'];

/** The session writing the row: its backend, and the server it runs on (a restart or failover changes it). */
const BACKEND = `pg_backend_pid(), (select backend_start from pg_stat_activity where pid = pg_backend_pid()),
  pg_postmaster_start_time(), now()`;

/** Renewal period; HOLDER_GONE computes the same from the row (TTL = expires_at − heartbeat_at). */
const heartbeatMs = (ttlMs: number) => Math.max(100, Math.min(Math.floor(ttlMs / 3), 1000));

/** True for a row whose holder is gone: expired, or its backend vanished and it missed two renewals. */
const HOLDER_GONE = `(l.expires_at < now() or (
  l.backend_pid is not null and l.server_start = pg_postmaster_start_time()
  and l.heartbeat_at < now() - 2 * greatest(interval '100 milliseconds',
        least((l.expires_at - l.heartbeat_at) / 3, interval '1 second'))
  and not exists (select 1 from pg_stat_activity a where a.pid = l.backend_pid
                   and (a.backend_start is null or a.backend_start = l.backend_start))))`;

/** The row a takeover replaced (row_to_json: timestamps come back as text). */
interface PreviousHolder {
  pid: number | null;
  host: string | null;
  backend_pid: number | null;
  heartbeat_at: string | null;
  expired: boolean;
}

interface HolderRow {
  pid: number | null;
  host: string | null;
  acquired_at: Date;
  expires_at: Date;
}

/** Names held by the current async call chain: a nested runPlan under the same lock just proceeds. */
const held = new AsyncLocalStorage<ReadonlySet<string>>();

const POLL_MS = 250;

export async function withMigratorLock<T>(
  db: Database,
  name: string,
  fn: () => Promise<T>,
  options: MigratorLockOptions = {},
): Promise<T> {
  const outer = held.getStore() ?? new Set<string>();
  if (outer.has(name)) return fn();
  const ttlMs = options.ttlMs ?? RUN_DEFAULTS.lock.ttlMs;
  const waitMs = options.waitMs ?? RUN_DEFAULTS.lock.waitMs;
  const holder = randomUUID();
  await ensureTable(db, 'ballast_locks', DDL, UPGRADE_COLUMNS);
  await acquire(db, name, holder, ttlMs, waitMs, options.log ?? (() => {}));
  let lost = false;
  let renewing = false; // with a busy pool, renewals wait for a session: never stack them
  const heartbeat = setInterval(() => {
    if (renewing) return;
    renewing = true;
    db.withSession((s) =>
      s.query(
        `update ballast_locks set expires_at = now() + $3 * interval '1 millisecond',
           (backend_pid, backend_start, server_start, heartbeat_at) = (select ${BACKEND})
         where name = $1 and holder = $2 returning 1`,
        [name, holder, ttlMs],
      ),
    )
      .then((rows) => {
        if (rows.length === 0) lost = true;
      })
      .catch(() => {})
      .finally(() => {
        renewing = false;
      });
  }, heartbeatMs(ttlMs));
  heartbeat.unref();
  try {
    return await held.run(new Set([...outer, name]), fn);
  } finally {
    clearInterval(heartbeat);
    await db.withSession((s) =>
      s.query('delete from ballast_locks where name = $1 and holder = $2', [name, holder]),
    );
    if (lost) process.emitWarning(`ballast: migrator lock "${name}" expired while held (heartbeat failed)`);
  }
}

async function acquire(
  db: Database,
  name: string,
  holder: string,
  ttlMs: number,
  waitMs: number,
  log: (line: string) => void,
): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const [got] = await db.withSession((s) =>
      s.query<{ previous: PreviousHolder | null }>(
        `with previous as (
           select l.pid, l.host, l.backend_pid, l.heartbeat_at, l.expires_at < now() as expired
             from ballast_locks l where l.name = $1)
         insert into ballast_locks as l (name, holder, pid, host, acquired_at, expires_at,
                                         backend_pid, backend_start, server_start, heartbeat_at)
         values ($1, $2, $3, $4, now(), now() + $5 * interval '1 millisecond', ${BACKEND})
         on conflict (name) do update set holder = excluded.holder, pid = excluded.pid, host = excluded.host,
           acquired_at = excluded.acquired_at, expires_at = excluded.expires_at,
           backend_pid = excluded.backend_pid, backend_start = excluded.backend_start,
           server_start = excluded.server_start, heartbeat_at = excluded.heartbeat_at
         where ${HOLDER_GONE}
         returning (select row_to_json(previous) from previous) as previous`,
        [name, holder, process.pid, hostname(), ttlMs],
      ),
    );
    if (got) {
      const p = got.previous;
      if (p && !p.expired) {
        log(
          `migrator lock "${name}": taken over from pid ${p.pid ?? '?'} on ${p.host ?? '?'}: its backend ` +
            `${p.backend_pid} is gone from pg_stat_activity and it last renewed the lock at ${p.heartbeat_at}`,
        );
      } else if (p)
        log(
          `migrator lock "${name}": taken over from pid ${p.pid ?? '?'} on ${p.host ?? '?'}: its TTL expired`,
        );
      return;
    }
    if (Date.now() >= deadline) {
      const [row] = await db.withSession((s) =>
        s.query<HolderRow>('select pid, host, acquired_at, expires_at from ballast_locks where name = $1', [
          name,
        ]),
      );
      if (!row) continue; // released between our two queries: try again
      throw new LockedError(
        `migrator lock "${name}" is held by pid ${row.pid ?? '?'} on ${row.host ?? '?'} since ${row.acquired_at.toISOString()}; waited ${waitMs} ms`,
        name,
        { pid: row.pid, host: row.host, since: row.acquired_at, expiresAt: row.expires_at },
        {
          where: 'ballast_locks',
          hint:
            `another migration is running. Wait for it, or raise waitMs. If that process is gone, its lock is ` +
            `taken over as soon as its connection is gone from pg_stat_activity, else it expires by itself at ` +
            `${row.expires_at.toISOString()} (TTL); do not delete the row while it runs.`,
        },
      );
    }
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
  }
}
