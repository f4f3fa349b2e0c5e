import type { ProgressReporter } from '../report/progress.js';

/**
 * The public shapes of the backfill engine. The loop (loop.ts) only knows these; every store
 * (PostgreSQL now, MySQL and MongoDB later) plugs in as a BackfillSource.
 */

/** Where a job stands, as a JSON-safe value the source understands (e.g. the last key as text). */
export type Cursor = readonly string[];

/** A JS transform: gets one row, returns the columns to change, or undefined to leave the row alone. */
export type RowTransform = (
  row: Readonly<Record<string, unknown>>,
) => Readonly<Record<string, unknown>> | undefined | Promise<Readonly<Record<string, unknown>> | undefined>;

export interface ThrottleContext {
  readonly job: string;
  readonly batches: number;
  readonly rowsDone: number;
}

/** Returned by a throttle that wants the loop to wait before the next batch. */
export interface ThrottleAdvice {
  readonly waitMs: number;
  /** Why, for the pause record and logs (e.g. "replica lag 7.2 s > 5 s"). */
  readonly reason: string;
}

/** Asked before every batch; undefined means go. Asked again after each wait until it says go. */
export type Throttle = (
  context: ThrottleContext,
) => ThrottleAdvice | undefined | Promise<ThrottleAdvice | undefined>;

export interface PauseRecord {
  readonly reason: string;
  readonly waitMs: number;
  /** Batches completed when the pause happened. */
  readonly afterBatch: number;
}

/** One committed batch, as reported to `onBatch` (sizes, time, what the sizer chose next). */
export interface BatchReport {
  readonly index: number;
  readonly limit: number;
  readonly rows: number;
  readonly changed: number;
  readonly ms: number;
  readonly nextLimit: number;
}

export interface BackfillOptions {
  /** Checkpoint name; defaults to `<schema>.<table>:<hash of the transform>`. Rerun with it to resume. */
  readonly job?: string;
  /** Rows in the first batch. Default 1000. */
  readonly initialBatchSize?: number;
  /** Lower bound of the adaptive batch size. Default 100. */
  readonly minBatchSize?: number;
  /** Upper bound of the adaptive batch size. Default 50 000. */
  readonly maxBatchSize?: number;
  /** Duration one batch should take; the size adapts toward it. Default 100 ms. */
  readonly targetBatchMs?: number;
  /** Sleep between batches, leaving room for other work. Default 0. */
  readonly pauseMs?: number;
  /** Extra throttles (e.g. the application's error rate); each may ask the loop to wait. */
  readonly throttles?: readonly Throttle[];
  /** PostgreSQL: wait while any replica's replay_lag exceeds this. Default 5000 ms; 0 disables. */
  readonly maxReplicaLagMs?: number;
  /**
   * PostgreSQL: the longest the application should wait on a batch's row locks. While a batch
   * runs, a second connection looks every half of this for sessions waiting on it; at the first,
   * the batch is cancelled (it and its checkpoint roll back together), the waiters go on, and the
   * batch is retried smaller. Default 40 ms; 0 turns the guard off.
   */
  readonly maxClientWaitMs?: number;
  /** How long a batch waits for a row lock before it is retried smaller. Default 2000 ms. */
  readonly lockTimeoutMs?: number;
  /** Retries of one batch after lock timeouts/deadlocks/serialization failures. Default 5. */
  readonly maxRetries?: number;
  readonly progress?: ProgressReporter;
  /** Called after every committed batch. */
  readonly onBatch?: (batch: BatchReport) => void;
  /** Called whenever a throttle makes the loop wait. */
  readonly onPause?: (pause: PauseRecord) => void;
  /** Stops after the current batch; the checkpoint stays, a rerun resumes. */
  readonly signal?: AbortSignal;
  /** Estimate rows and batches; write nothing (not even the checkpoint table). */
  readonly dryRun?: boolean;
  /** Forget a finished or partial checkpoint of this job and start from the first row. */
  readonly restart?: boolean;
  /** Row transform in JS; used instead of `spec.set` (which must then be empty). */
  readonly transform?: RowTransform;
  /**
   * PostgreSQL key columns to page on; default: the primary key, else a unique index over NOT
   * NULL columns, else `'ctid'` (physical ranges; see the README for its weaker guarantees).
   */
  readonly key?: readonly string[] | 'ctid';
  /**
   * PostgreSQL: the most key ranges filled at once, each on its own connection and impact guard.
   * Used for a table of at least 100 000 rows (planner estimate) with one integer key column;
   * streams start at one and grow while few of their batches make the application wait. Default 2;
   * 1: one stream.
   */
  readonly concurrency?: number;
}

export type BackfillStatus = 'done' | 'cancelled' | 'dry-run' | 'already-done';

export interface BackfillResult {
  readonly job: string;
  readonly target: string;
  readonly status: BackfillStatus;
  /** Rows read in the key range (this run plus earlier runs of the same job). */
  readonly rowsDone: number;
  /** Rows actually written by this run. */
  readonly rowsChanged: number;
  /** Batches committed by this run. */
  readonly batches: number;
  readonly estimatedRows?: number;
  /** Dry run only: batches at the initial and at the maximum batch size. */
  readonly estimatedBatches?: { readonly atInitialSize: number; readonly atMaxSize: number };
  readonly pauses: readonly PauseRecord[];
  /** Batches retried after a transient failure (lock timeout, deadlock, serialization). */
  readonly retries: number;
  /** Batches cancelled and retried smaller because the application waited on their row locks. */
  readonly yields: number;
  readonly resumed: boolean;
  /** Key paging (`keyset`), physical ranges (`ctid`), or concurrent key ranges (`key-ranges`). */
  readonly paging: string;
  /** PostgreSQL key ranges: the most streams that ran batches at once (see `concurrency`). */
  readonly streams?: number;
  readonly durationMs: number;
}

/** What a source reports when a job is opened (checkpoint created or found, bounds fixed). */
export interface OpenedJob {
  readonly state: 'new' | 'resumed' | 'done';
  readonly cursor: Cursor | undefined;
  readonly rowsDone: number;
  readonly estimatedRows: number | undefined;
}

export interface BatchOutcome {
  /** Rows read in this batch's key range. */
  readonly rows: number;
  /** Rows written. */
  readonly changed: number;
  readonly cursor: Cursor | undefined;
  /** True when the fixed upper bound was reached (the checkpoint is already marked done). */
  readonly done: boolean;
}

/**
 * One store behind the loop. Reading a batch, writing it and advancing the checkpoint happen in
 * ONE transaction inside `processBatch` (the source owns its transaction), so a crash either
 * keeps the whole batch and its checkpoint or neither: that is what makes a non-idempotent
 * transform apply exactly once across kill -9 and resume.
 */
export interface BackfillSource {
  /** e.g. `public.users`, for progress and errors. */
  readonly target: string;
  /** `keyset` or `ctid` (PostgreSQL) / `_id` (MongoDB) … */
  readonly paging: string;
  /**
   * Runs the whole job (all other calls happen inside `fn`) holding what the store needs for
   * it: PostgreSQL keeps one dedicated connection with the job's lock_timeout, so a SQL batch is
   * one autocommit statement, one round trip.
   */
  hold<T>(fn: () => Promise<T>): Promise<T>;
  /** Estimated rows to visit, without writing anything (dry run). */
  estimate(): Promise<number | undefined>;
  /** Creates checkpoint storage if needed, fixes the upper bound and loads or starts the job. */
  open(job: string, restart: boolean): Promise<OpenedJob>;
  /**
   * Reads up to `limit` rows after `cursor`, transforms, writes, checkpoints: one transaction.
   * `mayYield: false` (a batch at the minimum size): run it to the end even if the application waits.
   */
  processBatch(
    job: string,
    cursor: Cursor | undefined,
    limit: number,
    options?: { readonly mayYield: boolean },
  ): Promise<BatchOutcome>;
  /** Records a non-finished end (cancelled or failed) on the checkpoint. */
  close(job: string, status: 'cancelled' | 'failed', error?: string): Promise<void>;
  /** Lock timeouts, deadlocks, serialization failures: worth retrying the batch smaller. */
  isTransient(error: unknown): boolean;
  /**
   * Optional: the batch gave its locks up because the application was waiting on them (the
   * PostgreSQL impact guard). Retried smaller at once, not counted against maxRetries.
   */
  yielded?(error: unknown): boolean;
  /**
   * Optional: the pending pause/cancel request of `ballast backfill` (asked between batches),
   * recording whether the loop now sits paused. A store without it cannot be paused.
   */
  control?(job: string, paused: boolean): Promise<'pause' | 'cancel' | undefined>;
}
