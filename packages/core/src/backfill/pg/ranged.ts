import type { Database } from '../../db.js';
import { BallastError } from '../../errors.js';
import type { ProgressReporter } from '../../report/progress.js';
import { splitKeyRanges } from '../distributed/split.js';
import { type LoopTuning, loopOptionsOf } from '../index.js';
import { BackfillError, backfillEvent, runBatchLoop } from '../loop.js';
import { RateWindow } from '../rate.js';
import { StreamPacer } from '../streams.js';
import type { BackfillResult, BackfillSource, PauseRecord, Throttle } from '../types.js';
import {
  ensureCheckpointTable,
  foldRanges,
  forgetCheckpoint,
  KEY_RANGES_PAGING,
  peekCheckpoint,
  rangeJobName,
  rangeJobNames,
  readCheckpoint,
  setCheckpointStatus,
  startCheckpoint,
} from './checkpoints.js';
import { GuardUnavailable, type PgSourceSpec, type PostgresSource, postgresSource } from './source.js';
import { inTransaction } from './transaction.js';

/**
 * Below this estimate a backfill runs as one stream: a job of a few seconds gains little from
 * more, and pays a checkpoint per range.
 */
export const RANGED_MIN_ROWS = 100_000;
/** Key ranges per allowed stream: a stream that finishes its range early takes another. */
const RANGES_PER_STREAM = 4;
/** At most this many ranges (checkpoint rows), and none smaller than MIN_RANGE_ROWS by estimate. */
const MAX_RANGES = 64;
const MIN_RANGE_ROWS = 10_000;
const INTEGER_KEYS = new Set(['smallint', 'integer', 'bigint']);

export interface RangedRun {
  readonly job: string;
  readonly spec: PgSourceSpec;
  /** The most streams at once (options.concurrency). */
  readonly concurrency: number;
  readonly restart: boolean;
  readonly tuning: LoopTuning;
  readonly progress: ProgressReporter;
  /** The throttles of a stream's source (the replica-lag check runs on its connection). */
  readonly throttlesOf: (source: PostgresSource) => readonly Throttle[];
}

/**
 * runBackfill on PostgreSQL as concurrent key ranges in this process. The table's single integer
 * key is cut into ranges of equal width, each checkpointed as a job of its own (`<job>#<i>`, its
 * rows exactly once across kill -9, as any job) under the job's own row (paging `key-ranges`,
 * which folds their progress for `backfillStatus`). Up to `concurrency` streams take ranges, each
 * on its own connection and impact guard, as many at once as the StreamPacer allows.
 *
 * Returns undefined when the job is not one for ranges (too small, another key, a dry run, a
 * started one-stream job): the caller runs it as one stream. `first` is the caller's source.
 */
export async function runRangedBackfill(
  db: Database,
  first: PostgresSource,
  run: RangedRun,
): Promise<BackfillResult | undefined> {
  const plan = await planRanges(db, first, run);
  if (!plan) return undefined;
  const started = performance.now();
  const total = plan.estimatedRows;
  const { job } = run;
  const names = rangeJobNames(job, plan.ranges);
  const stop = new AbortController();
  const signal = run.tuning.signal ? AbortSignal.any([run.tuning.signal, stop.signal]) : stop.signal;
  const rate = new RateWindow();
  const pauses: PauseRecord[] = [];
  const queue = [...plan.open];
  let rowsDone = plan.rowsDone;
  let rowsChanged = 0;
  let batches = 0;
  let retries = 0;
  let yields = 0;
  let cancelled = false;
  let failure: unknown;
  const streams: Promise<void>[] = [];
  const resultOf = (status: BackfillResult['status']): BackfillResult => ({
    job,
    target: first.target,
    status,
    rowsDone,
    rowsChanged,
    batches,
    ...(total !== undefined ? { estimatedRows: total } : {}),
    pauses,
    retries,
    yields,
    resumed: plan.resumed,
    paging: KEY_RANGES_PAGING,
    streams: pacer.peak,
    durationMs: performance.now() - started,
  });
  const event = (phase: string) => backfillEvent(first.target, rowsDone, total, rate, phase);
  const pacer = new StreamPacer(run.concurrency, (allowed) => {
    if (streams.length < allowed && queue.length > 0 && !stop.signal.aborted) streams.push(stream(false));
  });
  // Throttles see the whole job, not the range a stream is on.
  const throttlesOf = (source: PostgresSource) =>
    run.throttlesOf(source).map(
      (throttle): Throttle =>
        () =>
          throttle({ job, batches, rowsDone }),
    );

  /** One stream: its own connection and guard, ranges from the queue until none is left. */
  async function stream(isFirst: boolean): Promise<void> {
    try {
      // An extra stream without a guard would make the application wait: better not started.
      const source = isFirst ? first : await postgresSource(db, { ...run.spec, unwatched: 'refuse' });
      const throttles = throttlesOf(source);
      // A stream's next range starts at the size its last batch chose, not at initialBatchSize again.
      let size = run.tuning.initialBatchSize;
      // The job-wide number of this stream's last batch, taken when it was counted: read later,
      // `batches` may already count another stream's batch too.
      let index = 0;
      await source.hold(async () => {
        for (let range = queue.shift(); range !== undefined && !stop.signal.aborted; range = queue.shift()) {
          const result = await runBatchLoop(
            rangeView(source, range, (counted) => {
              index = counted;
            }),
            loopOptionsOf(
              {
                ...run.tuning,
                ...(size !== undefined ? { initialBatchSize: size } : {}),
                signal,
                restart: false,
                onBatch: (b) => {
                  size = b.nextLimit;
                  run.tuning.onBatch?.({ ...b, index });
                },
                onPause: (pause) => {
                  pauses.push(pause);
                  run.tuning.onPause?.(pause);
                  run.progress.update(event(`paused: ${pause.reason}`));
                },
              },
              rangeJobName(job, range),
              throttles,
            ),
          );
          retries += result.retries;
          yields += result.yields;
          if (result.status === 'cancelled') {
            cancelled = true;
            stop.abort();
          }
        }
      });
    } catch (error) {
      if (error instanceof GuardUnavailable) {
        pacer.cap(streams.length - 1);
        return;
      }
      failure ??= error;
      stop.abort();
    }
  }

  /** The stream's source for range `range`: batches paced, the job's row folded after each. */
  function rangeView(
    source: PostgresSource,
    range: number,
    counted: (index: number) => void,
  ): BackfillSource {
    return {
      ...source,
      hold: (fn) => fn(), // the stream holds the connection across its ranges
      async open(rangeJob) {
        // Its checkpoint deleted under a running job: a new one would span the whole table, so
        // none is made (and one made in a race with the deletion is removed again).
        const missing = () =>
          new BallastError(`backfill ${job}: the checkpoint of its range ${range} is missing`, {
            where: `ballast_backfill_checkpoints.job = ${rangeJob}`,
            hint: 'rerun with restart: true to fill the table again from its first row',
          });
        if (!(await source.session((s) => readCheckpoint(s, rangeJob)))) throw missing();
        const opened = await source.open(rangeJob, false);
        if (opened.state === 'new') {
          await source.session((s) => forgetCheckpoint(s, rangeJob));
          throw missing();
        }
        return opened;
      },
      processBatch: (rangeJob, cursor, limit, options) =>
        pacer.batch(
          async () => {
            const outcome = await source.processBatch(rangeJob, cursor, limit, options);
            batches += 1;
            counted(batches);
            rowsDone += outcome.rows;
            rowsChanged += outcome.changed;
            rate.add(outcome.rows);
            await source.session((s) => foldRanges(s, job, names));
            run.progress.update(event('running'));
            return outcome;
          },
          source.yielded ?? (() => false),
        ),
      // `ballast backfill pause|cancel <job>` writes the job's row: every range reads it.
      control: (_rangeJob, paused) => source.control?.(job, paused) ?? Promise.resolve(undefined),
    };
  }

  if (plan.done) {
    run.progress.finish({ ...event('done'), message: 'already done' });
    return { ...resultOf('already-done'), streams: 0 };
  }
  streams.push(stream(true));
  for (let i = 0; i < streams.length; i++) await streams[i];

  const status = await db.withSession(async (s) => {
    if (!failure && !cancelled) return foldRanges(s, job, names);
    const ended = failure ? 'failed' : 'cancelled';
    await setCheckpointStatus(s, job, ended, (failure as Error | undefined)?.message);
    return ended;
  });
  const result = resultOf(status === 'done' ? 'done' : 'cancelled');
  if (failure) {
    const cause = failure as Error;
    run.progress.finish({ ...event('failed'), error: cause.message });
    throw new BackfillError(
      `backfill ${job} of ${first.target} failed after ${batches} batches (${rowsDone} rows): ${cause.message}`,
      job,
      first.target,
      undefined,
      cause instanceof BackfillError ? cause.cause : cause,
    );
  }
  if (status !== 'done' && !cancelled)
    // Every range ended without being cancelled, yet the job's row is not done: say so, never "done".
    throw new BallastError(`backfill ${job} of ${first.target}: its ranges ended but the job is ${status}`, {
      where: `ballast_backfill_checkpoints.job = ${job}`,
      hint: 'see backfillStatus(db, job) for each range (`<job>#<i>`); rerun to resume',
    });
  run.progress.finish(
    cancelled
      ? { ...event('cancelled'), message: 'cancelled; rerun to resume' }
      : { ...event('done'), message: `${rowsChanged.toLocaleString('en-US')} rows changed` },
  );
  return result;
}

interface RangePlan {
  readonly ranges: number;
  /** Ranges not done yet, in key order. */
  readonly open: readonly number[];
  readonly rowsDone: number;
  readonly resumed: boolean;
  /** The job's row says done: nothing to run. */
  readonly done: boolean;
  readonly estimatedRows: number | undefined;
}

/** A new job can run as ranges: more than one stream allowed, and one integer key to cut. */
function isSplittable(first: PostgresSource, concurrency: number): boolean {
  const [key, ...more] = first.info.key;
  return concurrency > 1 && key !== undefined && more.length === 0 && INTEGER_KEYS.has(key.type);
}

/**
 * What a dry run reports as paging: `key-ranges` when the job would run as ranges (its
 * checkpoint says so, or a new job on a table planRanges would cut), else undefined. Reads
 * only: a dry run writes nothing, not even the checkpoint table.
 */
export async function rangedDryRunPaging(
  db: Database,
  first: PostgresSource,
  run: Pick<RangedRun, 'job' | 'concurrency' | 'restart'>,
  /** The dry run's own estimate of the table's rows (not read twice). */
  estimatedRows: number | undefined,
): Promise<typeof KEY_RANGES_PAGING | undefined> {
  const existing = run.restart ? undefined : await db.withSession((s) => peekCheckpoint(s, run.job));
  if (existing) return existing.paging === KEY_RANGES_PAGING ? KEY_RANGES_PAGING : undefined;
  if (!isSplittable(first, run.concurrency)) return undefined;
  return (estimatedRows ?? 0) >= RANGED_MIN_ROWS ? KEY_RANGES_PAGING : undefined;
}

/**
 * The job's ranges: those of its checkpoint when it ran as ranges before, else a new split when
 * the job is one for ranges. Undefined: run it as one stream (the caller also answers an
 * already-done one-stream job).
 */
async function planRanges(
  db: Database,
  first: PostgresSource,
  run: RangedRun,
): Promise<RangePlan | undefined> {
  const { info } = first;
  const splittable = isSplittable(first, run.concurrency);
  const estimatedRows = await first.estimate();
  return db.withSession(async (s) => {
    await ensureCheckpointTable(s);
    for (;;) {
      const existing = run.restart ? undefined : await readCheckpoint(s, run.job);
      if (existing && existing.paging !== KEY_RANGES_PAGING) return undefined;
      if (existing) {
        const count = Number(existing.upper_key?.[0] ?? 0);
        const names = rangeJobNames(run.job, count);
        const rows = await s.query<{ job: string; status: string; rows_done: string }>(
          'select job, status, rows_done from ballast_backfill_checkpoints where job = any($1::text[])',
          [names],
        );
        const byName = new Map(rows.map((r) => [r.job, r]));
        const missing = names.filter((n) => !byName.has(n));
        if (missing.length > 0)
          throw new BallastError(
            `backfill ${run.job}: the checkpoints of ${missing.length} of its ranges are missing`,
            {
              where: `ballast_backfill_checkpoints.job = ${missing[0]}`,
              hint: 'rerun with restart: true to fill the table again from its first row',
            },
          );
        if (existing.status !== 'done') await setCheckpointStatus(s, run.job, 'running');
        return {
          ranges: count,
          open: names.flatMap((n, i) => (byName.get(n)!.status === 'done' ? [] : [i])),
          rowsDone: rows.reduce((sum, r) => sum + Number(r.rows_done), 0),
          resumed: true,
          done: existing.status === 'done',
          estimatedRows,
        };
      }
      if (!splittable || (estimatedRows ?? 0) < RANGED_MIN_ROWS) return undefined;
      const count = Math.min(
        run.concurrency * RANGES_PER_STREAM,
        MAX_RANGES,
        Math.floor((estimatedRows ?? 0) / MIN_RANGE_ROWS),
      );
      const ranges = await splitKeyRanges(s, info, count);
      if (ranges.length < 2) return undefined;
      const created = await inTransaction(s, async () => {
        // The job's row first: a second process starting the same job finds it and resumes instead.
        const count = [String(ranges.length)];
        if (!(await startCheckpoint(s, run.job, info.label, KEY_RANGES_PAGING, count, run.restart)))
          return false;
        for (const r of ranges)
          await startCheckpoint(
            s,
            rangeJobName(run.job, r.index),
            info.label,
            'keyset',
            r.upTo,
            true,
            r.after,
          );
        return true;
      });
      if (created)
        return {
          ranges: ranges.length,
          open: ranges.map((r) => r.index),
          rowsDone: 0,
          resumed: false,
          done: false,
          estimatedRows,
        };
      // Lost the race to another process: loop, and resume what it created.
    }
  });
}
