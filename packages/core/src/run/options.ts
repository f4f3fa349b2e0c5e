import type { ProgressReporter } from '../report/progress.js';

/**
 * Runner defaults, documented in packages/core/README.md ("Runner"):
 * - lock_timeout 1000 ms for every step: a blocked DDL statement gives up after 1 s instead of
 *   queueing the application's queries behind it for as long as the blocker lives;
 * - statement_timeout 30 s for `ddl` steps (catalog-only changes finish in ms; anything longer means
 *   the plan is wrong), none for `long` steps (CONCURRENTLY builds, VALIDATE);
 * - retry on lock timeout (SQLSTATE 55P03, MySQL 1205) and deadlock (40P01, 1213): 10 attempts,
 *   delay drawn uniformly from [0, min(5000, 200 * 2^(attempt-1))] ms ("full jitter"), so several migrators do not retry in step;
 * - migrator lock `ballast`: TTL 30 s with a heartbeat every min(TTL/3, 1 s), wait up to 30 s for a
 *   holder; a holder whose backend is gone from pg_stat_activity is taken over without waiting out the TTL.
 */
export const RUN_DEFAULTS = Object.freeze({
  lockTimeoutMs: 1000,
  ddlStatementTimeoutMs: 30_000,
  retry: Object.freeze({ maxAttempts: 10, baseDelayMs: 200, maxDelayMs: 5000 }),
  lock: Object.freeze({ name: 'ballast', ttlMs: 30_000, waitMs: 30_000 }),
});

export interface RetryOptions {
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
}

export interface MigratorLockOptions {
  /**
   * Time a holder's lock survives without a heartbeat (a crashed holder frees it after this).
   * Unused on MySQL/MariaDB, whose GET_LOCK ends with the holder's connection.
   */
  readonly ttlMs?: number;
  /** How long a second run waits for the holder before failing with LockedError. */
  readonly waitMs?: number;
  /** Where a takeover of a dead holder's lock is reported (runPlan passes its own `log`). */
  readonly log?: (line: string) => void;
}

export interface RunOptions {
  /** lock_timeout for every step, in ms. Default 1000. */
  readonly lockTimeoutMs?: number;
  /** statement_timeout for `ddl` steps, in ms. Default 30000. `long` steps get none. */
  readonly statementTimeoutMs?: number;
  readonly retry?: RetryOptions;
  /**
   * Before each attempt of a step that blocks application queries (ACCESS EXCLUSIVE, SHARE, ...),
   * wait without queueing while a transaction open for 100 ms or more holds a conflicting lock on
   * its table, logging it; bounded by the time the retries could take. Default true; false gives
   * the plain lock_timeout retries, which queue application queries for up to lock_timeout each.
   */
  readonly waitForConflictingLocks?: boolean;
  /** Journal key: when set, completed steps are recorded in ballast_journal and skipped on rerun. */
  readonly migration?: string;
  readonly log?: (line: string) => void;
  readonly progress?: ProgressReporter;
  /**
   * Passed to the backfill engine (core/backfill) for backfill steps. With `migration` set, the
   * checkpoint is named `<migration>:<step id>` unless `job` is given here.
   */
  readonly backfill?: Record<string, unknown>;
  /**
   * The migrator lock held for the whole run (default name `ballast`), or false to not take one.
   * Ignored when `db.inTransaction`: a caller-owned transaction comes with its framework's lock.
   */
  readonly lock?: (MigratorLockOptions & { readonly name?: string }) | false;
}

export type StepStatus = 'applied' | 'skipped' | 'already-done';

export interface StepReport {
  readonly id: string;
  /** `skipped`: journaled as done by an earlier run; `already-done`: its done check was true. */
  readonly status: StepStatus;
  readonly attempts: number;
  readonly ms: number;
}

export interface RunReport {
  readonly operation: string;
  readonly target: string;
  readonly steps: readonly StepReport[];
  readonly ms: number;
}
