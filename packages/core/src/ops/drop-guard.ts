import { anyOf, type CatalogProbe } from '../dialects/postgres/catalog.js';
import type { TableRef } from '../dialects/table-ref.js';
import { UnsafeOperationError } from '../errors.js';
import type { BackupSpec, BackupStep, SqlStep } from '../plan.js';
import { relationsOf, sqlStep } from './shared.js';

/**
 * Destructive operations are refused unless the caller states the data is unused. Their plans
 * then start with a `:backup` step (kind `backup`, executed by core/backup) that records the data
 * in the backup catalog (`listBackups`) before the `:set-aside` rename, or copies the column's
 * values into `ballast_backup` before a real `:drop`. Removing the data is a later, separate
 * decision: `purgeBackups`, after the retention.
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

interface Rename {
  readonly sql: string;
  readonly done: CatalogProbe;
  readonly relation: TableRef;
}

export interface SetAsideSpec {
  /** Step id prefix, e.g. `drop-table:public.orders`. */
  readonly id: string;
  readonly target: string;
  readonly original: string;
  readonly aside: string;
  /** The rename to the set-aside name, the probe saying it is done, and the table it locks. */
  readonly setAside: Rename;
  /** The rename back; `asideMissing`: nothing left under the set-aside name. */
  readonly restore: Rename & { readonly asideMissing: CatalogProbe };
  /**
   * Versions before long names were cut with a hash set aside under a plainly cut name. When it
   * differs, the reverse also renames that one back (after the current name, the newer one).
   */
  readonly legacy?: { readonly aside: string; readonly sql: string; readonly relation: TableRef } | undefined;
}

/**
 * The `:set-aside` rename and its `:restore` reverse: both catalog-only, so the ACCESS EXCLUSIVE
 * lock is held for milliseconds (taken with the runner's lock_timeout and retries).
 */
export function setAsideSteps(spec: SetAsideSpec): {
  readonly setAside: SqlStep;
  readonly restore: readonly SqlStep[];
} {
  const renameStep = (suffix: string, description: string, rename: Rename) =>
    sqlStep({
      id: `${spec.id}:${suffix}`,
      description,
      lock: 'ACCESS EXCLUSIVE',
      relations: relationsOf(rename.relation),
      transactional: true,
      timeout: 'ddl',
      sql: rename.sql,
      done: rename.done,
    });
  return {
    setAside: renameStep(
      'set-aside',
      `rename ${spec.target} to ${spec.aside}: the data stays until purged`,
      spec.setAside,
    ),
    restore: spec.legacy
      ? [
          // Skipped when only the legacy name exists; the next step then renames that one.
          renameStep('restore', `rename ${spec.aside} back to ${spec.original}`, {
            ...spec.restore,
            done: anyOf(spec.restore.done, spec.restore.asideMissing),
          }),
          renameStep(
            'restore-legacy',
            `rename ${spec.legacy.aside} (set aside by an older version) back to ${spec.original}`,
            { ...spec.legacy, done: spec.restore.done },
          ),
        ]
      : [renameStep('restore', `rename ${spec.aside} back to ${spec.original}`, spec.restore)],
  };
}

/**
 * The `:backup` step every drop starts with. Done once the object is gone: a rerun after the
 * drop neither copies nor records it again (the first run's backup stands).
 */
export function backupStep(id: string, target: string, spec: BackupSpec, done: CatalogProbe): BackupStep {
  return {
    kind: 'backup',
    id: `${id}:backup`,
    description:
      spec.keep === 'copy'
        ? `copy ${target}'s values, keyed by primary key, into ballast_backup in batches (backfill loop) before the drop`
        : `record ${target} in the backup catalog under ${spec.aside} before it is set aside`,
    lock: spec.keep === 'copy' ? 'ACCESS SHARE' : 'none',
    transactional: true,
    timeout: 'long',
    done,
    backup: spec,
  };
}
