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
 * connection churn of a pool and names its holder. The holder renews `expires_at` every TTL/3; a
 * crashed holder stops renewing and anyone may take the row over once it expired.
 */
export const DDL = `create table if not exists ballast_locks (
  name text primary key,
  holder text not null,
  pid integer,
  host text,
  acquired_at timestamptz not null default now(),
  expires_at timestamptz not null)`;

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
  await ensureTable(db, 'ballast_locks', DDL);
  await acquire(db, name, holder, ttlMs, waitMs);
  let lost = false;
  const heartbeat = setInterval(
    () => {
      db.withSession((s) =>
        s.query(
          `update ballast_locks set expires_at = now() + $3 * interval '1 millisecond'
          where name = $1 and holder = $2 returning 1`,
          [name, holder, ttlMs],
        ),
      )
        .then((rows) => {
          if (rows.length === 0) lost = true;
        })
        .catch(() => {});
    },
    Math.max(100, Math.floor(ttlMs / 3)),
  );
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
): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const got = await db.withSession((s) =>
      s.query(
        `insert into ballast_locks as l (name, holder, pid, host, acquired_at, expires_at)
         values ($1, $2, $3, $4, now(), now() + $5 * interval '1 millisecond')
         on conflict (name) do update set holder = excluded.holder, pid = excluded.pid, host = excluded.host,
           acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
         where l.expires_at < now()
         returning 1`,
        [name, holder, process.pid, hostname(), ttlMs],
      ),
    );
    if (got.length > 0) return;
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
            `another migration is running. Wait for it, or raise waitMs. If that process is gone, its lock ` +
            `expires by itself at ${row.expires_at.toISOString()} (TTL); do not delete the row while it runs.`,
        },
      );
    }
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
  }
}
