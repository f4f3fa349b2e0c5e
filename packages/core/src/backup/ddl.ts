import type { Database } from '../db.js';
import { pinSettingsSql, withPinnedSettings } from '../dialects/postgres/session.js';
import { LockTimeoutError } from '../errors.js';
import { type RetryOptions, RUN_DEFAULTS, type RunOptions } from '../run/options.js';
import { backoffDelayMs, isLockTimeout, retrySettings, sleep } from '../run/retry.js';

/**
 * The few restore statements that commit together (ADD COLUMN with its default; the move back of
 * a table an older version put in ballast_backup), which a runner step cannot express (one
 * statement per step). Same policy as core/run: lock_timeout per attempt, jittered capped retries
 * on lock timeout. Drops and purges go through the runner itself.
 */
export interface DdlOptions {
  /** lock_timeout per attempt, ms. Default: the runner's (1000). */
  readonly lockTimeoutMs?: number | undefined;
  readonly retry?: RetryOptions | undefined;
}

/** Runner options for the plans a backup or restore runs itself: its bounds, no lock, no log. */
export const innerRunOptions = (options: DdlOptions): RunOptions => ({
  lock: false,
  log: () => {},
  ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: options.lockTimeoutMs } : {}),
  ...(options.retry ? { retry: options.retry } : {}),
});

export async function runDdl(
  db: Database,
  statements: readonly { sql: string; params?: readonly unknown[] }[],
  where: string,
  options: DdlOptions = {},
): Promise<void> {
  const timeout = Math.round(options.lockTimeoutMs ?? RUN_DEFAULTS.lockTimeoutMs);
  const retry = retrySettings(options.retry);
  for (let attempt = 1; ; attempt++) {
    try {
      await db.withSession(async (s) => {
        // Pinned settings as in the runner: a restored default is SQL text read back with them.
        if (db.inTransaction) {
          await withPinnedSettings(s, async () => {
            for (const st of statements) await s.query(st.sql, st.params ?? []);
          });
          return;
        }
        await s.query('begin');
        try {
          await s.query(`set local lock_timeout = ${timeout}`);
          await s.query(pinSettingsSql(true));
          for (const st of statements) await s.query(st.sql, st.params ?? []);
          await s.query('commit');
        } catch (error) {
          await s.query('rollback');
          throw error;
        }
      });
      return;
    } catch (error) {
      if (!isLockTimeout(error) || db.inTransaction) throw error;
      if (attempt >= retry.maxAttempts) {
        throw new LockTimeoutError(
          `${where}: no table lock within ${timeout} ms after ${attempt} attempts`,
          where,
          attempt,
          [],
          {
            where,
            hint: 'a long transaction holds the table: find it in pg_stat_activity, or rerun when traffic is lower',
            cause: error,
          },
        );
      }
      await sleep(backoffDelayMs(attempt, retry));
    }
  }
}
