import { hostname } from 'node:os';
import type PgBoss from 'pg-boss';
import type { Database } from '../../db.js';
import { requireDatabaseDialect } from '../../dialects/server.js';
import { BallastError, InvalidArgumentError } from '../../errors.js';
import { parseCall } from '../../validate/parse.js';
import { BACKFILL_DEFAULTS } from '../defaults.js';
import { loopOptionsOf } from '../index.js';
import { runBatchLoop } from '../loop.js';
import { readCheckpoint } from '../pg/checkpoints.js';
import { replicaLagThrottle } from '../pg/replica-lag.js';
import { postgresSource } from '../pg/source.js';
import { sleep } from '../throttle.js';
import type { BackfillResult, BackfillSource, Throttle } from '../types.js';
import { globalBudgetThrottle } from './budget.js';
import { type BackfillWorkerOptions, workerArgs } from './options.js';
import { syncJob } from './progress.js';
import { QUEUE, QUEUE_DEFAULTS, type RangeJobData, startQueue } from './queue.js';
import { type DistributedRow, rangeJobName, rangeJobNames, readDistributed } from './tables.js';

export interface BackfillWorkerResult {
  readonly worker: string;
  /** Ranges this worker finished (done), and rows it changed. */
  readonly rangesDone: number;
  readonly rowsChanged: number;
  /** Errors the queue reported (e.g. a failed maintenance round); the last one's message. */
  readonly queueErrors: number;
  readonly lastQueueError?: string;
}

/** The worker is stopping: the range goes back to the queue and resumes from its checkpoint elsewhere. */
class WorkerStoppedError extends BallastError {
  override readonly name = 'WorkerStoppedError';
}

/**
 * Runs ranges of distributed backfills (startDistributedBackfill) from the pg-boss queue in this
 * process, `concurrency` at a time, each through the same batch loop, checkpoints and throttles
 * as runBackfill (replica lag, the job's global rate budget, pause/cancel of `ballast backfill`).
 * Start as many as you like, on any machine that reaches the database. A worker killed with
 * kill -9 loses nothing: its range's lease expires and another worker resumes it from its
 * checkpoint. Returns when `signal` aborts, or when `options.job` has finished.
 */
export async function runBackfillWorker(
  db: Database,
  options: BackfillWorkerOptions = {},
): Promise<BackfillWorkerResult> {
  parseCall('runBackfillWorker', workerArgs, [db, options]);
  requireDatabaseDialect(db, 'postgres', 'runBackfillWorker');
  if (options.job && !(await db.withSession((s) => readDistributed(s, options.job!))))
    throw new InvalidArgumentError([
      {
        argument: 'runBackfillWorker options.job',
        given: JSON.stringify(options.job),
        allowed:
          'the name of a job queued by startDistributedBackfill in this database (ballast backfill list)',
      },
    ]);
  const worker = options.workerId ?? `${hostname()}:${process.pid}`;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();
  let rangesDone = 0;
  let rowsChanged = 0;
  let queueErrors = 0;
  let lastQueueError: string | undefined;

  const boss = await startQueue(db, QUEUE_DEFAULTS, {
    supervise: true,
    maintenanceIntervalSeconds: options.maintenanceSeconds ?? 30,
  });
  boss.on('error', (error: Error) => {
    queueErrors += 1;
    lastQueueError = error.message;
  });
  try {
    const handler = async ([job]: PgBoss.Job<RangeJobData>[]) => {
      if (!job) return;
      const result = await runRange(db, job.data, worker, stop.signal);
      if (!result) return;
      options.onRange?.({
        job: job.data.job,
        range: job.data.range,
        status: result.status,
        rowsChanged: result.rowsChanged,
      });
      rowsChanged += result.rowsChanged;
      if (result.status === 'done' || result.status === 'already-done') rangesDone += 1;
      if (result.status === 'cancelled' && stop.signal.aborted)
        throw new WorkerStoppedError(
          `worker ${worker} stopped during range ${job.data.range} of ${job.data.job}`,
          {
            where: rangeJobName(job.data.job, job.data.range),
            hint: 'nothing to do: the range is queued again and resumes from its checkpoint',
          },
        );
    };
    const work = { batchSize: 1, pollingIntervalSeconds: options.pollSeconds ?? 1 };
    for (let i = 0; i < (options.concurrency ?? 1); i++) await boss.work<RangeJobData>(QUEUE, work, handler);
    while (!stop.signal.aborted) {
      if (options.job && (await finished(db, options.job))) break;
      await sleep(1000, stop.signal);
    }
  } finally {
    stop.abort();
    options.signal?.removeEventListener('abort', onAbort);
    await boss.stop({ graceful: true, wait: true, timeout: 30_000 });
  }
  return { worker, rangesDone, rowsChanged, queueErrors, ...(lastQueueError ? { lastQueueError } : {}) };
}

async function finished(db: Database, job: string): Promise<boolean> {
  const row = await db.withSession((s) => readCheckpoint(s, job));
  return row?.status === 'done' || row?.status === 'cancelled';
}

/** One range: runBackfill's PostgreSQL source and throttles, with the job's pause/cancel and budget. */
async function runRange(
  db: Database,
  data: RangeJobData,
  worker: string,
  signal: AbortSignal,
): Promise<BackfillResult | undefined> {
  const plan = await db.withSession((s) => readDistributed(s, data.job));
  if (!plan) return undefined; // the job's plan was removed: nothing to run
  const o = { ...BACKFILL_DEFAULTS, ...plan.tuning };
  const source = await postgresSource(db, {
    ...plan.spec,
    lockTimeoutMs: o.lockTimeoutMs,
    maxClientWaitMs: o.maxClientWaitMs,
  });
  const sync = () =>
    db.withSession((s) => syncJob(s, plan.job, rangeJobNames(plan.job, plan.ranges), worker, data.range));
  const throttles: Throttle[] = [];
  if (o.maxReplicaLagMs > 0) throttles.push(replicaLagThrottle(db, o.maxReplicaLagMs, source.replicaLagMs));
  if (plan.rows_per_second !== null) throttles.push(globalBudgetThrottle(db, plan.job));
  const result = await runBatchLoop(
    ofRange(source, plan, sync),
    loopOptionsOf({ ...plan.tuning, signal }, rangeJobName(plan.job, data.range), throttles),
  );
  await sync();
  return result;
}

/**
 * The range's source, with pause/cancel read from the JOB's checkpoint (what `ballast backfill
 * pause <job>` writes), after reporting this worker alive and folding the ranges' progress.
 */
function ofRange(
  source: BackfillSource,
  plan: DistributedRow,
  sync: () => Promise<string | undefined>,
): BackfillSource {
  const control = source.control;
  return {
    ...source,
    control: async (_range, paused) => {
      // Taken from the queue after the job was cancelled: stop at once, checkpoint kept.
      if ((await sync()) === 'cancelled') return 'cancel';
      return control ? control(plan.job, paused) : undefined;
    },
  };
}
