import { type CopyTuning, takeBackup } from '../backup/take-backup.js';
import type { Database } from '../db.js';
import type { BackupStep } from '../plan.js';
import type { RunOptions } from './options.js';

/**
 * Hands a backup step to the backup engine (core/backup), as backfill steps go to core/backfill:
 * a copy runs on the backfill loop with the run's backfill tuning (batch sizes, lock_timeout,
 * throttles, progress). The catalog row names the migration given in the plan, else the
 * run's journal key, so the migration's `down()` finds it.
 */
export async function runBackupStep(db: Database, step: BackupStep, options: RunOptions): Promise<number> {
  const {
    job: _job,
    restart: _restart,
    dryRun: _dry,
    transform: _fn,
    key: _key,
    ...tuning
  } = (options.backfill ?? {}) as CopyTuning & Record<string, unknown>;
  const migration = step.backup.migration ?? options.migration;
  await takeBackup(
    db,
    { ...step.backup, ...(migration ? { migration } : {}) },
    { ...(options.progress ? { progress: options.progress } : {}), ...tuning },
  );
  return 1;
}
