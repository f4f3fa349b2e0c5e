import { type BackfillOptions, runBackfill } from '../backfill/index.js';
import type { Database } from '../db.js';
import type { BackfillStep } from '../plan.js';
import type { RunOptions } from './options.js';

/** Hands a backfill step to the batch engine (core/backfill): the runner never writes one big UPDATE. */
export async function runBackfillStep(db: Database, step: BackfillStep, options: RunOptions): Promise<void> {
  const backfill = (options.backfill ?? {}) as BackfillOptions;
  await runBackfill(db, step.backfill, {
    ...(options.progress ? { progress: options.progress } : {}),
    ...backfill,
  });
}
