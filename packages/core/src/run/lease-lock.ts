import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { LockHolderRow, LockRequest, PreviousHolder } from '../dialects/runtime.js';
import { LockedError } from '../errors.js';
import { type MigratorLockOptions, RUN_DEFAULTS } from './options.js';
import { sleep } from './retry.js';

/**
 * A migrator lock kept as a lease in the database being migrated: a record naming its holder,
 * renewed by a heartbeat, taken over once it expired (or sooner when the store can see the holder's
 * connection is gone). The SQL dialects' lock tables and the MongoDB lock collection
 * (@ballast/mongoose) are stores of this one lock; the waiting, heartbeat, takeover messages and
 * LockedError live here once.
 */
export interface LeaseLockStore {
  /** Where the lock lives, for messages (`ballast_locks`). */
  readonly where: string;
  /**
   * Where a holder's vanished connection is seen (`pg_stat_activity`), for messages; unset when
   * the lock is taken over by TTL only.
   */
  readonly sessionView?: string;
  /** Takes the lock if free or its holder is gone: what it replaced, or undefined when held. */
  acquire(request: LockRequest): Promise<{ previous: PreviousHolder | null } | undefined>;
  /** Extends the TTL; false when the record is no longer ours. */
  renew(request: LockRequest): Promise<boolean>;
  release(request: LockRequest): Promise<void>;
  holder(name: string): Promise<LockHolderRow | undefined>;
}

/** Renewal period; a store's "holder gone" test computes the same from the record. */
export const leaseHeartbeatMs = (ttlMs: number) => Math.max(100, Math.min(Math.floor(ttlMs / 3), 1000));

/** Names held by the current async call chain: a nested run under the same lock just proceeds. */
const held = new AsyncLocalStorage<ReadonlySet<string>>();

/** Runs `fn` with `name` marked as held by this call chain (see `heldHere`). */
export function runHolding<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return held.run(new Set([...(held.getStore() ?? []), name]), fn);
}

export const heldHere = (name: string): boolean => held.getStore()?.has(name) ?? false;

/** A new holder's identity: this process, on this host, with a fresh id. */
export function lockRequest(name: string, ttlMs: number): LockRequest {
  return { name, holder: randomUUID(), pid: process.pid, host: hostname(), ttlMs };
}

const POLL_MS = 250;

/** Holds `store`'s lock `name` while `fn` runs: waits up to waitMs, then LockedError naming the holder. */
export async function withLeaseLock<T>(
  store: LeaseLockStore,
  name: string,
  fn: () => Promise<T>,
  options: MigratorLockOptions = {},
): Promise<T> {
  if (heldHere(name)) return fn();
  const ttlMs = options.ttlMs ?? RUN_DEFAULTS.lock.ttlMs;
  const request = lockRequest(name, ttlMs);
  await acquire(store, request, options.waitMs ?? RUN_DEFAULTS.lock.waitMs, options.log ?? (() => {}));
  let lost = false;
  let renewing = false; // with a busy pool, renewals wait for a session: never stack them
  const heartbeat = setInterval(() => {
    if (renewing) return;
    renewing = true;
    store
      .renew(request)
      .then((ours) => {
        if (!ours) lost = true;
      })
      .catch(() => {})
      .finally(() => {
        renewing = false;
      });
  }, leaseHeartbeatMs(ttlMs));
  heartbeat.unref();
  try {
    return await runHolding(name, fn);
  } finally {
    clearInterval(heartbeat);
    await store.release(request);
    if (lost) process.emitWarning(`ballast: migrator lock "${name}" expired while held (heartbeat failed)`);
  }
}

async function acquire(
  store: LeaseLockStore,
  request: LockRequest,
  waitMs: number,
  log: (line: string) => void,
): Promise<void> {
  const { name } = request;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const got = await store.acquire(request);
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
      const row = await store.holder(name);
      if (!row) continue; // released between our two queries: try again
      throw new LockedError(
        `migrator lock "${name}" is held by pid ${row.pid ?? '?'} on ${row.host ?? '?'} since ${row.acquired_at.toISOString()}; waited ${waitMs} ms`,
        name,
        { pid: row.pid, host: row.host, since: row.acquired_at, expiresAt: row.expires_at },
        {
          where: store.where,
          hint:
            `another migration is running. Wait for it, or raise waitMs. If that process is gone, its lock is ` +
            (store.sessionView
              ? `taken over as soon as its connection is gone from ${store.sessionView}, else it expires by itself at `
              : 'taken over when it expires by itself at ') +
            `${row.expires_at.toISOString()} (TTL); do not delete the record while it runs.`,
        },
      );
    }
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
  }
}
