import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database } from '../db.js';
import type { LockRequest, MigratorLockStore } from '../dialects/runtime.js';
import { runtimeOf } from '../dialects/runtime-of.js';
import { LockedError, UnsupportedServerError } from '../errors.js';
import { ensureTable } from './ensure-table.js';
import { type MigratorLockOptions, RUN_DEFAULTS } from './options.js';
import { sleep } from './retry.js';
import { withSessionLock } from './session-lock.js';

/**
 * The migrator lock: a row in ballast_locks, not a session advisory lock, so it survives the
 * connection churn of a pool and names its holder. The holder renews `expires_at` every
 * min(TTL/3, 1 s), recording the backend that renewed it; anyone may take the row over once it
 * expired, or at once when that backend is gone from pg_stat_activity on the same server and the
 * holder missed two renewals (the process died: kill -9, OOM, a lost machine). The missed renewals
 * keep a live holder whose pool just closed that connection (idle timeout, max lifetime) from
 * looking dead. A backend we cannot see (another server, a pool in between, a pid reused by a
 * session hidden from us) keeps the TTL rule. The SQL is the dialect's (runtime.migratorLock).
 * Where the server ties a lock to a session (MySQL/MariaDB GET_LOCK), session-lock.ts holds it instead.
 */

/** Renewal period; the dialect's "holder gone" test computes the same from the row. */
const heartbeatMs = (ttlMs: number) => Math.max(100, Math.min(Math.floor(ttlMs / 3), 1000));

/** The dialect's lock table, or a clear refusal where it has none yet. */
function lockStore(db: Database): MigratorLockStore {
  const store = runtimeOf(db).migratorLock;
  if (store) return store;
  throw new UnsupportedServerError(`the migrator lock is not available on ${db.dialect} yet`, {
    where: 'runPlan',
    hint: 'pass `lock: false` and make sure only one migrator runs at a time',
  });
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
  const request: LockRequest = { name, holder: randomUUID(), pid: process.pid, host: hostname(), ttlMs };
  const sessionLock = runtimeOf(db).sessionLock;
  if (sessionLock) {
    return withSessionLock(db, sessionLock, request, () => held.run(new Set([...outer, name]), fn), {
      waitMs,
    });
  }
  const store = lockStore(db);
  await ensureTable(db, store.table, store.ddl, store.upgradeColumns);
  await acquire(db, store, request, waitMs, options.log ?? (() => {}));
  let lost = false;
  let renewing = false; // with a busy pool, renewals wait for a session: never stack them
  const heartbeat = setInterval(() => {
    if (renewing) return;
    renewing = true;
    db.withSession((s) => store.renew(s, request))
      .then((ours) => {
        if (!ours) lost = true;
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
    await db.withSession((s) => store.release(s, request));
    if (lost) process.emitWarning(`ballast: migrator lock "${name}" expired while held (heartbeat failed)`);
  }
}

async function acquire(
  db: Database,
  store: MigratorLockStore,
  request: LockRequest,
  waitMs: number,
  log: (line: string) => void,
): Promise<void> {
  const { name } = request;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const got = await db.withSession((s) => store.acquire(s, request));
    if (got) {
      const p = got.previous;
      if (p && !p.expired) {
        log(
          `migrator lock "${name}": taken over from pid ${p.pid ?? '?'} on ${p.host ?? '?'}: its backend ` +
            `${p.backend_pid} is gone from ${store.sessionView ?? 'the server'} and it last renewed the lock at ${p.heartbeat_at}`,
        );
      } else if (p)
        log(
          `migrator lock "${name}": taken over from pid ${p.pid ?? '?'} on ${p.host ?? '?'}: its TTL expired`,
        );
      return;
    }
    if (Date.now() >= deadline) {
      const row = await db.withSession((s) => store.holder(s, name));
      if (!row) continue; // released between our two queries: try again
      throw new LockedError(
        `migrator lock "${name}" is held by pid ${row.pid ?? '?'} on ${row.host ?? '?'} since ${row.acquired_at.toISOString()}; waited ${waitMs} ms`,
        name,
        { pid: row.pid, host: row.host, since: row.acquired_at, expiresAt: row.expires_at },
        {
          where: 'ballast_locks',
          hint:
            `another migration is running. Wait for it, or raise waitMs. If that process is gone, its lock is ` +
            (store.sessionView
              ? `taken over as soon as its connection is gone from ${store.sessionView}, else it expires by itself at `
              : 'taken over when it expires by itself at ') +
            `${row.expires_at.toISOString()} (TTL); do not delete the row while it runs.`,
        },
      );
    }
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
  }
}
