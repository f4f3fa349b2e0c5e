import { type BackfillOptions, defaultJobName, runBackfill } from '../backfill/index.js';
import { forgetMysqlCheckpoint } from '../backfill/mysql/checkpoints.js';
import { forgetCheckpoint } from '../backfill/pg/checkpoints.js';
import type { Database } from '../db.js';
import type { BackfillStep } from '../plan.js';
import type { RunOptions } from './options.js';

/** Hands a backfill step to the batch engine (core/backfill): the runner never writes one big UPDATE. */
export async function runBackfillStep(db: Database, step: BackfillStep, options: RunOptions): Promise<void> {
  const backfill = (options.backfill ?? {}) as BackfillOptions;
  const job = backfillJobName(step, options);
  await runBackfill(db, step.backfill, {
    ...(options.progress ? { progress: options.progress } : {}),
    ...(job ? { job } : {}),
    ...backfill,
  });
}

/**
 * With a journal key, the checkpoint belongs to this run of this migration: `<migration>:<step id>`.
 * A rerun after a crash keeps the key and resumes; a re-apply after a rollback has a new key and
 * fills the rows again. The backfill engine's own default (per table and SQL) would find the first
 * apply's job "done" and skip it. An explicit `options.backfill.job` still wins.
 */
export function backfillJobName(step: BackfillStep, options: RunOptions): string | undefined {
  return options.migration ? `${options.migration}:${step.id}` : undefined;
}

/**
 * After a failed run undid its earlier steps (e.g. dropped the column being filled), the rows this
 * step filled are gone with them: its checkpoint is forgotten so the rerun fills from the first row.
 */
export async function forgetBackfillProgress(
  db: Database,
  step: BackfillStep,
  options: RunOptions,
): Promise<void> {
  const backfill = (options.backfill ?? {}) as BackfillOptions;
  const job = backfill.job ?? backfillJobName(step, options) ?? defaultJobName(step.backfill, backfill);
  const forget = db.dialect === 'mysql' ? forgetMysqlCheckpoint : forgetCheckpoint;
  await db.withSession((s) => forget(s, job));
}
