import { BallastError } from '../errors.js';
import type { ProgressEvent, ProgressReporter } from '../report/progress.js';
import { type BatchSizeBounds, nextBatchSize, validateBounds } from './batch-size.js';
import { RateWindow } from './rate.js';
import { sleep, waitForThrottles } from './throttle.js';
import type { BackfillResult, BackfillSource, BatchReport, Cursor, PauseRecord, Throttle } from './types.js';

/** Everything the loop needs; no SQL and no store here, only the source interface. */
export interface LoopOptions {
  readonly job: string;
  readonly bounds: BatchSizeBounds;
  readonly pauseMs: number;
  readonly throttles: readonly Throttle[];
  readonly maxRetries: number;
  readonly progress: ProgressReporter;
  readonly onBatch?: (batch: BatchReport) => void;
  readonly onPause?: (pause: PauseRecord) => void;
  readonly signal?: AbortSignal;
  readonly dryRun: boolean;
  readonly restart: boolean;
}

/** A batch failed for a reason other than a transient lock conflict; the checkpoint is intact. */
export class BackfillError extends BallastError {
  override readonly name = 'BackfillError';
  constructor(
    message: string,
    readonly job: string,
    readonly target: string,
    readonly cursor: Cursor | undefined,
    cause: unknown,
  ) {
    super(message, {
      where: target,
      hint: `fix the cause, then rerun with the same job name (${JSON.stringify(job)}): it resumes after the last committed batch`,
      cause,
    });
  }
}

const PAUSE_REASON = 'requested by ballast backfill pause';
/** How fast the size ceiling set by a yield lifts again, per committed batch (x1.1: ~7 batches to double). */
const CEILING_GROWTH = 1.1;
/** How often a paused job looks for `resume` or `cancel`. */
const CONTROL_POLL_MS = 500;

/** A backfill's progress event: rows done of the estimate, the recent rate and the ETA it gives. */
export function backfillEvent(
  target: string,
  rowsDone: number,
  total: number | undefined,
  rate: RateWindow,
  phase: string,
): ProgressEvent {
  const perSecond = rate.perSecond();
  const left = total !== undefined ? Math.max(0, total - rowsDone) : undefined;
  return {
    operation: 'backfill',
    target,
    done: rowsDone,
    ...(total !== undefined ? { total: Math.max(total, rowsDone) } : {}),
    ...(perSecond !== undefined ? { rate: perSecond } : {}),
    ...(perSecond && left !== undefined ? { etaSeconds: left / perSecond } : {}),
    phase,
  };
}

export function runBatchLoop(source: BackfillSource, options: LoopOptions): Promise<BackfillResult> {
  return source.hold(() => loop(source, options));
}

async function loop(source: BackfillSource, options: LoopOptions): Promise<BackfillResult> {
  const started = performance.now();
  const bounds = validateBounds(options.bounds);
  const pauses: PauseRecord[] = [];
  let retries = 0;
  let yields = 0;
  const base = { job: options.job, target: source.target, paging: source.paging, pauses };
  const elapsed = () => performance.now() - started;

  if (options.dryRun) {
    const estimatedRows = await source.estimate();
    const rows = estimatedRows ?? 0;
    return {
      ...base,
      status: 'dry-run',
      rowsDone: 0,
      rowsChanged: 0,
      batches: 0,
      estimatedRows,
      estimatedBatches: {
        atInitialSize: Math.ceil(rows / bounds.initial),
        atMaxSize: Math.ceil(rows / bounds.max),
      },
      retries,
      yields,
      resumed: false,
      durationMs: elapsed(),
    };
  }

  const opened = await source.open(options.job, options.restart);
  const total = opened.estimatedRows;
  let rowsDone = opened.rowsDone;
  let cursor = opened.cursor;
  let rowsChanged = 0;
  let batches = 0;
  let limit = bounds.initial;
  // After a batch yielded to waiting application sessions, sizes stay under the one that did.
  let ceiling = bounds.max;
  const rate = new RateWindow();
  const result = (status: BackfillResult['status']): BackfillResult => ({
    ...base,
    status,
    rowsDone,
    rowsChanged,
    batches,
    estimatedRows: total,
    retries,
    yields,
    resumed: opened.state === 'resumed',
    durationMs: elapsed(),
  });
  const event = (phase: string) => backfillEvent(source.target, rowsDone, total, rate, phase);
  if (opened.state === 'done') {
    options.progress.finish({ ...event('done'), message: 'already done' });
    return result('already-done');
  }
  const onPause = (pause: PauseRecord) => {
    pauses.push(pause);
    options.onPause?.(pause);
    options.progress.update(event(`paused: ${pause.reason}`));
  };

  try {
    for (;;) {
      if (options.signal?.aborted) return await cancel();
      const go = await waitForThrottles(
        options.throttles,
        { job: options.job, batches, rowsDone },
        options.signal,
        onPause,
      );
      if (!go || !(await honourRequests())) return await cancel();

      const t0 = performance.now();
      const outcome = await withRetries(
        // At the minimum size a batch may not yield: it could never get smaller, only never finish.
        () => source.processBatch(options.job, cursor, limit, { mayYield: limit > bounds.min }),
        (n) => {
          limit = Math.max(bounds.min, Math.floor(limit / 2));
          return sleep(Math.min(1000, 50 * 2 ** n) * (0.5 + Math.random()), options.signal);
        },
        () => {
          // The waiters go on the moment the batch rolls back; retry at once, half the size.
          limit = Math.max(bounds.min, Math.floor(limit / 2));
          ceiling = limit;
          return sleep(5 * Math.random(), options.signal);
        },
      );
      const ms = performance.now() - t0;
      batches += 1;
      rowsDone += outcome.rows;
      rowsChanged += outcome.changed;
      cursor = outcome.cursor;
      rate.add(outcome.rows);
      const next = Math.min(ceiling, nextBatchSize(bounds, limit, outcome.rows, ms));
      ceiling = Math.min(bounds.max, Math.ceil(ceiling * CEILING_GROWTH));
      options.onBatch?.({
        index: batches,
        limit,
        rows: outcome.rows,
        changed: outcome.changed,
        ms,
        nextLimit: next,
      });
      limit = next;
      if (outcome.done) {
        options.progress.finish({
          ...event('done'),
          message: `${rowsChanged.toLocaleString('en-US')} rows changed`,
        });
        return result('done');
      }
      options.progress.update(event('running'));
      if (options.pauseMs > 0 && !(await sleep(options.pauseMs, options.signal))) return await cancel();
    }
  } catch (error) {
    if (error instanceof BackfillError) throw error;
    await source.close(options.job, 'failed', (error as Error).message).catch(() => {});
    throw new BackfillError(
      `backfill ${options.job} of ${source.target} failed after ${batches} batches (${rowsDone} rows): ${(error as Error).message}`,
      options.job,
      source.target,
      cursor,
      error,
    );
  }

  /**
   * `ballast backfill pause|cancel` from another terminal: false to cancel; while paused, no
   * batch is issued and the progress says so, until `resume` clears the request.
   */
  async function honourRequests(): Promise<boolean> {
    if (!source.control) return true;
    let pausedSince: number | undefined;
    for (;;) {
      const request = await source.control(options.job, pausedSince !== undefined);
      if (request === 'cancel') return false;
      if (request === 'pause' && pausedSince === undefined) {
        pausedSince = performance.now();
        options.progress.update(event(`paused: ${PAUSE_REASON}; ballast backfill resume to continue`));
      } else if (request === 'pause') {
        if (!(await sleep(CONTROL_POLL_MS, options.signal))) return false;
      } else if (pausedSince !== undefined) {
        const pause = { reason: PAUSE_REASON, waitMs: performance.now() - pausedSince, afterBatch: batches };
        pauses.push(pause);
        options.onPause?.(pause);
        options.progress.update(event('resumed'));
        pausedSince = undefined; // one more round records that the loop runs again
      } else {
        return true;
      }
    }
  }

  async function cancel(): Promise<BackfillResult> {
    await source.close(options.job, 'cancelled');
    options.progress.finish({ ...event('cancelled'), message: 'cancelled; rerun to resume' });
    return result('cancelled');
  }

  /**
   * Transient failures are retried smaller with backoff, up to maxRetries. A yield (the batch gave
   * its locks to waiting sessions) is retried smaller at once and costs no retry; it ends because
   * a batch at the minimum size may not yield.
   */
  async function withRetries<T>(
    fn: () => Promise<T>,
    backoff: (attempt: number) => Promise<boolean>,
    yieldRetry: () => Promise<boolean>,
  ): Promise<T> {
    for (let attempt = 0; ; ) {
      try {
        return await fn();
      } catch (error) {
        if (source.yielded?.(error)) {
          yields += 1;
          await yieldRetry();
          continue;
        }
        if (attempt >= options.maxRetries || !source.isTransient(error)) throw error;
        retries += 1;
        await backoff(attempt++);
      }
    }
  }
}
