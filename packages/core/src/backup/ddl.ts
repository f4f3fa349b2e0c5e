import type { Database } from '../db.js';
import { BallastError } from '../errors.js';

/**
 * Short DDL for backup/restore and expand/contract, each statement in its own transaction with
 * a lock_timeout, retried a few times with jitter when the lock is not granted, so a busy table
 * never queues application queries behind us for longer than the timeout.
 * TODO(integration): route through core/run's runPlan once it lands on main (same policy).
 */
export interface DdlOptions {
  readonly lockTimeoutMs?: number;
  readonly attempts?: number;
}

const LOCK_NOT_AVAILABLE = '55P03';

export async function runDdl(
  db: Database,
  statements: readonly { sql: string; params?: readonly unknown[] }[],
  where: string,
  options: DdlOptions = {},
): Promise<void> {
  const timeout = options.lockTimeoutMs ?? 2000;
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      await db.withSession(async (s) => {
        if (db.inTransaction) {
          for (const st of statements) await s.query(st.sql, st.params ?? []);
          return;
        }
        await s.query('begin');
        try {
          await s.query(`set local lock_timeout = ${Math.round(timeout)}`);
          for (const st of statements) await s.query(st.sql, st.params ?? []);
          await s.query('commit');
        } catch (error) {
          await s.query('rollback');
          throw error;
        }
      });
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== LOCK_NOT_AVAILABLE || attempt >= attempts || db.inTransaction) {
        if (code !== LOCK_NOT_AVAILABLE) throw error;
        throw new BallastError(
          `${where}: could not take the table lock within ${timeout} ms, ${attempt} attempts`,
          {
            where,
            hint: 'a long transaction holds the table; find it in pg_stat_activity, or rerun when traffic is lower',
            cause: error,
          },
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** attempt) * (0.5 + Math.random())));
    }
  }
}
