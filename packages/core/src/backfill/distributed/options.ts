import { z } from 'zod';
import { milliseconds, name, nonNegativeInt, positiveInt } from '../../validate/common.js';
import { backfillSpec, database } from '../../validate/run.js';

/** Options of startDistributedBackfill; the batch tuning is the one of runBackfill. */
export interface DistributedBackfillOptions {
  /** Job name (checkpoint of the whole job; ranges are `<job>#<i>`). Default: as runBackfill's. */
  readonly job?: string;
  /** Key ranges to split the table into (each one queue job). Default 64. */
  readonly ranges?: number;
  /** Global budget in rows per second shared by all workers; default none (each worker paces itself). */
  readonly rowsPerSecond?: number;
  /** A range held this long by a silent (killed) worker goes to another worker. Default 900 s. */
  readonly leaseSeconds?: number;
  readonly initialBatchSize?: number;
  readonly minBatchSize?: number;
  readonly maxBatchSize?: number;
  readonly targetBatchMs?: number;
  readonly pauseMs?: number;
  readonly maxReplicaLagMs?: number;
  readonly maxClientWaitMs?: number;
  readonly lockTimeoutMs?: number;
  readonly maxRetries?: number;
}

const positive = z.number().positive().describe('a number > 0');

export const distributedOptions = z
  .strictObject({
    job: name.optional(),
    ranges: positiveInt.optional(),
    rowsPerSecond: positive.optional(),
    leaseSeconds: positiveInt.optional(),
    initialBatchSize: positiveInt.optional(),
    minBatchSize: positiveInt.optional(),
    maxBatchSize: positiveInt.optional(),
    targetBatchMs: milliseconds.optional(),
    pauseMs: milliseconds.optional(),
    maxReplicaLagMs: milliseconds.optional(),
    maxClientWaitMs: milliseconds.optional(),
    lockTimeoutMs: milliseconds.optional(),
    maxRetries: nonNegativeInt.optional(),
  })
  .readonly() satisfies z.ZodType<DistributedBackfillOptions>;

export const distributedArgs = { db: database, spec: backfillSpec, options: distributedOptions };

/** Options of runBackfillWorker. */
export interface BackfillWorkerOptions {
  /** Ranges this process runs at once (one connection each, plus one for the queue). Default 1. */
  readonly concurrency?: number;
  /** Return when this job is finished (done, cancelled or failed); default: run until `signal`. */
  readonly job?: string;
  /** Stops the worker: running ranges stop after their current batch and go back to the queue. */
  readonly signal?: AbortSignal;
  /** How often an idle worker asks the queue for a range. Default 1 s. */
  readonly pollSeconds?: number;
  /** How often the queue's maintenance (lease expiry) runs, in one worker at a time. Default 30 s. */
  readonly maintenanceSeconds?: number;
  /** Names this worker in `ballast backfill status`; default `<host>:<pid>`. */
  readonly workerId?: string;
  /** Called after each range this worker finished or stopped. */
  readonly onRange?: (range: {
    readonly job: string;
    readonly range: number;
    readonly status: string;
    readonly rowsChanged: number;
  }) => void;
}

export const workerOptions = z
  .strictObject({
    concurrency: positiveInt.optional(),
    job: name.optional(),
    signal: z.instanceof(AbortSignal).optional(),
    pollSeconds: z.number().min(0.5).describe('seconds >= 0.5').optional(),
    maintenanceSeconds: positiveInt.optional(),
    workerId: name.optional(),
    onRange: z
      .custom<NonNullable<BackfillWorkerOptions['onRange']>>((v) => typeof v === 'function')
      .optional(),
  })
  .readonly() satisfies z.ZodType<BackfillWorkerOptions>;

export const workerArgs = { db: database, options: workerOptions };
