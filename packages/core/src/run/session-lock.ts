import type { Database, Session } from '../db.js';
import type { LockRequest, SessionLockStore } from '../dialects/runtime.js';
import { LockedError } from '../errors.js';
import { ensureTable } from './ensure-table.js';
import { sleep } from './retry.js';

const POLL_MS = 250;
/** Checks the held connection is still there, and keeps it from idling into wait_timeout. */
const HEARTBEAT_MS = 10_000;

/** A connection kept for the whole run, or (inside a caller's transaction) its one connection. */
interface LockConnection {
  run<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  end(): Promise<void>;
}

/** Takes a session out of `db` and keeps it until end(). */
async function holdSession(db: Database): Promise<LockConnection> {
  let end!: () => void;
  const ended = new Promise<void>((resolve) => {
    end = resolve;
  });
  let queue: Promise<unknown> = Promise.resolve();
  let held!: Promise<void>;
  const session = await new Promise<Session>((resolve, reject) => {
    held = db.withSession(async (s) => {
      resolve(s);
      await ended;
    });
    held.catch(reject);
  });
  return {
    run<T>(fn: (s: Session) => Promise<T>): Promise<T> {
      // One statement at a time on the held connection (heartbeat vs release).
      const next = queue.then(() => fn(session));
      queue = next.catch(() => {});
      return next;
    },
    async end() {
      await queue;
      end();
      await held;
    },
  };
}

/**
 * The migrator lock where the server ties it to a session (MySQL/MariaDB GET_LOCK): one
 * connection holds it for the run, so a migrator killed with kill -9 loses it with its connection
 * and nobody waits for a TTL. Inside a caller's transaction its one connection holds it.
 */
export async function withSessionLock<T>(
  db: Database,
  store: SessionLockStore,
  request: LockRequest,
  fn: () => Promise<T>,
  options: { readonly waitMs: number },
): Promise<T> {
  await ensureTable(db, store.table, store.ddl, []);
  const conn: LockConnection = db.inTransaction
    ? { run: (f) => db.withSession(f), end: async () => {} }
    : await holdSession(db);
  let acquired = false;
  try {
    await acquire(conn, store, request, options.waitMs);
    acquired = true;
  } finally {
    if (!acquired) await conn.end();
  }
  let lost = false;
  const heartbeat = setInterval(() => {
    conn
      .run((s) => store.stillHeld(s, request))
      .then((ours) => {
        if (!ours) lost = true;
      })
      .catch(() => {
        lost = true;
      });
  }, HEARTBEAT_MS);
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    await conn.run((s) => store.release(s, request)).catch(() => {});
    await conn.end();
    if (lost)
      process.emitWarning(
        `ballast: migrator lock "${request.name}" was lost while held (its connection ended)`,
      );
  }
}

async function acquire(
  conn: LockConnection,
  store: SessionLockStore,
  request: LockRequest,
  waitMs: number,
): Promise<void> {
  const { name } = request;
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await conn.run((s) => store.tryAcquire(s, request))) return;
    if (Date.now() >= deadline) {
      const who = await conn.run((s) => store.holder(s, name));
      if (!who) continue; // released between our two queries: try again
      const since = who.since ? ` since ${who.since.toISOString()}` : '';
      throw new LockedError(
        `migrator lock "${name}" is held by pid ${who.pid ?? '?'} on ${who.host ?? '?'} (connection ${who.backendId})${since}; waited ${waitMs} ms`,
        name,
        { pid: who.pid, host: who.host, since: who.since, expiresAt: null },
        {
          where: store.table,
          hint:
            "another migration is running. Wait for it, or raise waitMs. The lock ends with its holder's " +
            `connection ${who.backendId}: if that process is gone, the server releases it as soon as it notices the connection closed.`,
        },
      );
    }
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
  }
}
