import { BACKFILL_DEFAULTS, type BackfillResult, type ProgressReporter } from '@ballast/core';
import {
  type BackfillSource,
  type BatchReport,
  loopOptionsOf,
  type PauseRecord,
  runBatchLoop,
  type Throttle,
} from '@ballast/core/adapter';
import type { mongo } from 'mongoose';
import { z } from 'zod';
import { mongoReplicaLagThrottle } from './replica-lag.js';

const fn = <T>() => z.custom<T>((v) => typeof v === 'function', 'must be a function');
const positive = z.number().int().positive();

/**
 * The batch-loop tuning every Mongo job takes (the migrator, backup copies, restores), with
 * core's backfill defaults: one schema, so each option means the same everywhere.
 */
export const loopTuningSchema = z.strictObject({
  initialBatchSize: positive.default(BACKFILL_DEFAULTS.initialBatchSize),
  minBatchSize: positive.default(BACKFILL_DEFAULTS.minBatchSize),
  maxBatchSize: positive.default(BACKFILL_DEFAULTS.maxBatchSize),
  targetBatchMs: z.number().positive().default(BACKFILL_DEFAULTS.targetBatchMs),
  pauseMs: z.number().min(0).default(BACKFILL_DEFAULTS.pauseMs),
  maxReplicaLagMs: z.number().min(0).default(BACKFILL_DEFAULTS.maxReplicaLagMs),
  maxRetries: z.number().int().min(0).default(BACKFILL_DEFAULTS.maxRetries),
  throttles: z.array(fn<Throttle>()).default([]),
  progress: z
    .custom<ProgressReporter>((v) => typeof (v as ProgressReporter)?.update === 'function')
    .optional(),
  onBatch: fn<(batch: BatchReport) => void>().optional(),
  onPause: fn<(pause: PauseRecord) => void>().optional(),
  signal: z.instanceof(AbortSignal).optional(),
});

export type LoopTuningOptions = z.output<typeof loopTuningSchema>;

/** Runs `source` on core's batch loop with this tuning, the replica-lag throttle first. */
export function runMongoLoop(
  db: mongo.Db,
  source: BackfillSource,
  job: string,
  tuning: LoopTuningOptions & { readonly dryRun?: boolean; readonly restart?: boolean },
): Promise<BackfillResult> {
  const throttles = [...tuning.throttles];
  if (tuning.maxReplicaLagMs > 0) throttles.unshift(mongoReplicaLagThrottle(db, tuning.maxReplicaLagMs));
  return runBatchLoop(source, loopOptionsOf(tuning, job, throttles));
}
