import { UnsafeOperationError } from '../errors.js';

/**
 * Destructive operations are refused unless the caller states the data is unused. Their plans
 * then set the data aside by renaming instead of dropping: the `:set-aside` step is where a
 * backup step (core/backup) is inserted before it; purging the renamed object is a later,
 * separate decision (retention).
 */
export function requireConfirmUnused(operation: string, target: string, confirmUnused: unknown): void {
  if (confirmUnused === true) return;
  throw new UnsafeOperationError(`${operation} ${target} refused: confirmUnused is not true`, {
    where: target,
    hint:
      `first deploy application code that no longer reads or writes ${target} (for ORMs: remove it from the model ` +
      `and ignore it), then pass confirmUnused: true. The data is kept (renamed aside or backed up), not deleted.`,
  });
}

export const DROPPED_PREFIX = 'ballast_dropped_';

/** UTC YYYYMMDDHHMMSS, the suffix that makes set-aside table names unique and sortable. */
export const droppedStamp = (at: Date) => at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
