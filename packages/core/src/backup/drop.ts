import type { Database } from '../db.js';
import { columnMissing } from '../dialects/postgres/catalog.js';
import { readColumn } from '../dialects/postgres/introspect.js';
import { qtable, quoteIdent } from '../dialects/quote.js';
import { displayName } from '../dialects/table-ref.js';
import { BallastError } from '../errors.js';
import { requireConfirmUnused } from '../ops/drop-guard.js';
import { ownerOf, relationsOf } from '../ops/shared.js';
import { freezePlan, type Plan } from '../plan.js';
import { requirePrivileges, runBookkeeping } from '../run/bookkeeping.js';
import { runPlan } from '../run/run-plan.js';
import { parseCall } from '../validate/parse.js';
import { callArgs } from '../validate/run.js';
import { type BackupRecord, selectBackups, setBackupStatus } from './catalog.js';
import { backupColumn, backupRelation, type ColumnRef } from './column.js';
import { type DdlOptions, runDdl } from './ddl.js';
import type { BackupOptions, DropWithBackupOptions } from './options.js';

/** The drop as a runner step: journaled, bounded by lock_timeout, a no-op once the column is gone. */
function dropColumnPlan(ref: ColumnRef, backupId: number): Plan {
  const target = `${displayName(ref)}.${ref.column}`;
  return freezePlan({
    operation: 'drop-column-with-backup',
    requires: ownerOf({ table: ref.table, schema: ref.schema }),
    target,
    steps: [
      {
        kind: 'sql',
        id: `drop-column-with-backup:${target}:drop`,
        description: `drop ${target} (catalog only); its values are in backup ${backupId}`,
        lock: 'ACCESS EXCLUSIVE',
        relations: relationsOf(ref),
        transactional: true,
        timeout: 'ddl',
        sql: `ALTER TABLE ${qtable(ref)} DROP COLUMN IF EXISTS ${quoteIdent('postgres', ref.column)}`,
        done: columnMissing({ table: ref.table, schema: ref.schema }, ref.column),
      },
    ],
    // Undone by restoreBackup (values, default, NOT NULL), not by plain steps.
    reverse: [],
    notes: [`restore with restoreBackup(db, ${backupId}) until it is purged`],
  });
}

/**
 * dropColumn with a backup: the values first, then the drop. A rerun after the drop (a crashed
 * deploy) finds the backup the first run made instead of failing on the missing column. The
 * returned record is what the migration's `down()` restores from (`restoreBackup`).
 */
export async function dropColumnWithBackup(
  db: Database,
  ref: ColumnRef & { readonly confirmUnused: true },
  options: DropWithBackupOptions = {},
): Promise<BackupRecord> {
  parseCall('dropColumnWithBackup', callArgs.dropColumnWithBackup, [db, ref, options]);
  requireConfirmUnused('drop column', `${displayName(ref)}.${ref.column}`, ref.confirmUnused);
  const names = ['backups', 'backupSchema', ...runBookkeeping(db, options.run, false)] as const;
  const requires = ownerOf({ table: ref.table, schema: ref.schema });
  await requirePrivileges(
    db,
    { bookkeeping: names, requires },
    `drop column ${displayName(ref)}.${ref.column}`,
  );
  const present = await db.withSession((s) => readColumn(s, ref, ref.column));
  const backup = present ? await backupColumn(db, ref, options) : await earlierBackup(db, ref, options);
  try {
    await runPlan(db, dropColumnPlan(ref, backup.id), options.run ?? {});
  } catch (error) {
    // The column and its live values stayed: a backup of it could only ever undo later writes.
    if (present && (await db.withSession((s) => readColumn(s, ref, ref.column))))
      await discardBackup(db, backup, options).catch(() => {});
    throw error;
  }
  return backup;
}

/** Drops a backup's data and marks it `purged` (purgeBackups, and a drop that did not happen). */
export async function discardBackup(db: Database, backup: BackupRecord, options: DdlOptions): Promise<void> {
  await runDdl(
    db,
    [{ sql: `drop table if exists ${backupRelation(backup)}` }],
    `purge of backup ${backup.id}`,
    options,
  );
  await db.withSession((s) => setBackupStatus(s, backup.id, 'purged'));
}

async function earlierBackup(db: Database, ref: ColumnRef, options: BackupOptions): Promise<BackupRecord> {
  const found = await db.withSession((s) =>
    selectBackups(s, {
      table: ref.table,
      column: ref.column,
      ...(options.migration ? { migration: options.migration } : {}),
    }),
  );
  const last = found.filter((b) => b.status === 'ready').pop();
  if (last) return last;
  throw new BallastError(
    `drop of ${displayName(ref)}.${ref.column}: the column does not exist and no backup of it does`,
    {
      where: `${displayName(ref)}.${ref.column}`,
      hint: 'check the table and column names; listBackups(db, { includeHistory: true }) shows earlier backups',
    },
  );
}
