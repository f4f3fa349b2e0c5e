import type { Session } from '../../db.js';

/** BEGIN … COMMIT on one session, ROLLBACK on any error; `lock_timeout` is local to it. */
export async function inTransaction<T>(
  session: Session,
  lockTimeoutMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  await session.query('begin');
  try {
    await session.query(`select set_config('lock_timeout', $1, true)`, [
      `${Math.max(1, Math.round(lockTimeoutMs))}ms`,
    ]);
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
