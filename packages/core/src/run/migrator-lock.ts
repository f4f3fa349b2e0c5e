import type { Database } from '../db.js';
import type { MigratorLockStore } from '../dialects/runtime.js';
import { runtimeOf } from '../dialects/runtime-of.js';
import { UnsupportedServerError } from '../errors.js';
import { ensureTable } from './ensure-table.js';
import { heldHere, type LeaseLockStore, lockRequest, runHolding, withLeaseLock } from './lease-lock.js';
import { type MigratorLockOptions, RUN_DEFAULTS } from './options.js';
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
 * The waiting, heartbeat and takeover are lease-lock.ts's, shared with the MongoDB lock.
 */

/** The dialect's lock table, or a clear refusal where it has none yet. */
function lockStore(db: Database): MigratorLockStore {
  const store = runtimeOf(db).migratorLock;
  if (store) return store;
  throw new UnsupportedServerError(`the migrator lock is not available on ${db.dialect} yet`, {
    where: 'runPlan',
    hint: 'pass `lock: false` and make sure only one migrator runs at a time',
  });
}

export async function withMigratorLock<T>(
  db: Database,
  name: string,
  fn: () => Promise<T>,
  options: MigratorLockOptions = {},
): Promise<T> {
  if (heldHere(name)) return fn();
  const sessionLock = runtimeOf(db).sessionLock;
  if (sessionLock) {
    const request = lockRequest(name, options.ttlMs ?? RUN_DEFAULTS.lock.ttlMs);
    return withSessionLock(db, sessionLock, request, () => runHolding(name, fn), {
      waitMs: options.waitMs ?? RUN_DEFAULTS.lock.waitMs,
    });
  }
  const store = lockStore(db);
  await ensureTable(db, store.table, store.ddl, store.upgradeColumns);
  return withLeaseLock(leaseOf(db, store), name, fn, options);
}

/** The dialect's lock table as a lease store: each call on a session of the pool. */
function leaseOf(db: Database, store: MigratorLockStore): LeaseLockStore {
  return {
    where: store.table,
    ...(store.sessionView ? { sessionView: store.sessionView } : {}),
    acquire: (r) => db.withSession((s) => store.acquire(s, r)),
    renew: (r) => db.withSession((s) => store.renew(s, r)),
    release: (r) => db.withSession((s) => store.release(s, r)),
    holder: (n) => db.withSession((s) => store.holder(s, n)),
  };
}
