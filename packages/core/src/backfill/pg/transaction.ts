import type { Database, Session } from '../../db.js';
import { pinSettingsSql, RESET_PINNED_SQL } from '../../dialects/postgres/session.js';

/** BEGIN … COMMIT on one session, ROLLBACK on any error. */
export async function inTransaction<T>(session: Session, fn: () => Promise<T>): Promise<T> {
  await session.query('begin');
  try {
    const result = await fn();
    await session.query('commit');
    return result;
  } catch (error) {
    await session.query('rollback').catch(() => {});
    throw error;
  }
}

/** lock_not_available, deadlock_detected, serialization_failure: retry the batch. */
const TRANSIENT = new Set(['55P03', '40P01', '40001']);
export const isTransientPgError = (error: unknown) => TRANSIENT.has((error as { code?: string })?.code ?? '');

/**
 * Holds one connection for a whole job with `lock_timeout` set on it (and reset after), so each
 * batch needs no extra round trip to set it. The connection is the job's alone (withSession).
 */
export async function withJobSession<T>(
  db: Database,
  lockTimeoutMs: number,
  fn: (session: Session) => Promise<T>,
): Promise<T> {
  return db.withSession(async (session) => {
    await session.query(`select set_config('lock_timeout', $1, false)`, [
      `${Math.max(1, Math.round(lockTimeoutMs))}ms`,
    ]);
    // The batch statements carry SQL expressions written by the developer: same meaning as in DDL steps.
    await session.query(pinSettingsSql(false));
    try {
      return await fn(session);
    } finally {
      await session.query('reset lock_timeout').catch(() => {});
      await session.query(RESET_PINNED_SQL).catch(() => {});
    }
  });
}

/**
 * A source's sessions: while the loop holds the job's connection (`hold`, with lock_timeout set),
 * every call runs on it — a one-connection pool must not wait for itself — else on a pooled one.
 */
export function jobSessions(db: Database, lockTimeoutMs: number) {
  let held: Session | undefined;
  return {
    use: <T>(fn: (session: Session) => Promise<T>): Promise<T> => (held ? fn(held) : db.withSession(fn)),
    hold: <T>(fn: () => Promise<T>): Promise<T> =>
      withJobSession(db, lockTimeoutMs, async (session) => {
        held = session;
        try {
          return await fn();
        } finally {
          held = undefined;
        }
      }),
  };
}
