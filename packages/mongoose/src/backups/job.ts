import { BallastError } from '@ballast/core';
import { type BackfillSource, reportAs } from '@ballast/core/adapter';
import type { mongo } from 'mongoose';
import { type LoopTuningOptions, runMongoLoop } from '../migrator/tuning.js';
import type { MongoBackupRecord } from './catalog.js';

/**
 * A backup copy (`backup:<id>`) or restore (`restore:<id>`) on core's batch loop, with its
 * checkpoint beside the migrator's: throttled, resumable after kill -9, and reported as
 * "backed up N documents" / "restored N documents". A cancelled run changes nothing in the catalog.
 */
export async function runBackupJob(
  db: mongo.Db,
  record: MongoBackupRecord,
  operation: 'backup' | 'restore',
  source: BackfillSource,
  tuning: LoopTuningOptions,
): Promise<void> {
  const result = await runMongoLoop(db, source, `${operation}:${record._id}`, {
    ...tuning,
    progress: reportAs(operation, tuning.progress, 'documents'),
  });
  if (result.status === 'cancelled')
    throw new BallastError(
      `${operation} ${record._id} of ${source.target} was cancelled before it finished`,
      {
        where: source.target,
        hint: `rerun to resume from its checkpoint (${operation}:${record._id} in ballast_backfill_checkpoints)`,
      },
    );
}
