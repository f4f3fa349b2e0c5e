import type { Database } from '../db.js';
import { readColumn } from '../dialects/postgres/introspect.js';
import { readServerInfo, requireDatabaseDialect } from '../dialects/server.js';
import { displayName } from '../dialects/table-ref.js';
import { BallastError } from '../errors.js';
import { planDropColumn } from '../ops/drop-column.js';
import { requireConfirmUnused } from '../ops/drop-guard.js';
import { ownerOf } from '../ops/shared.js';
import { requirePrivileges, runBookkeeping } from '../run/bookkeeping.js';
import { runPlan } from '../run/run-plan.js';
import { parseCall } from '../validate/parse.js';
import { callArgs } from '../validate/run.js';
import { type BackupRecord, selectBackups, setBackupStatus } from './catalog.js';
import type { ColumnRef } from './column.js';
import { type DdlOptions, innerRunOptions } from './ddl.js';
import { columnAttnum } from './definition.js';
import { dropColumnMysql } from './mysql-column.js';
import type { BackupOptions, DropWithBackupOptions } from './options.js';
import { planPurge } from './set-aside.js';

/**
 * dropColumn with a copy: planDropColumn with `keep: 'copy'` through the runner (its backup step
 * copies the values on the backfill loop, then the column is dropped). A rerun after the drop (a
 * crashed deploy) finds every step done and returns the first run's backup. The returned
 * record is what the migration's `down()` restores from (`restoreBackup`).
 */
export async function dropColumnWithBackup(
  db: Database,
  ref: ColumnRef & { readonly confirmUnused: true },
  options: DropWithBackupOptions = {},
): Promise<BackupRecord> {
  parseCall('dropColumnWithBackup', callArgs.dropColumnWithBackup, [db, ref, options]);
  if (db.dialect === 'mysql') {
    requireConfirmUnused('drop column', `${displayName(ref)}.${ref.column}`, ref.confirmUnused);
    return dropColumnMysql(db, ref, options);
  }
  requireDatabaseDialect(db, 'postgres', 'dropColumnWithBackup');
  const run = options.run ?? {};
  // Everything the plan will need, named at once before any change (the runner alone would name
  // its own tables first and the backup step's later).
  await requirePrivileges(
    db,
    {
      bookkeeping: ['backups', 'backupSchema', 'checkpoints', ...runBookkeeping(db, run, false)],
      requires: ownerOf(ref),
    },
    `drop column ${displayName(ref)}.${ref.column}`,
  );
  const server = await db.withSession(readServerInfo);
  const plan = planDropColumn(
    {
      ...ref,
      keep: 'copy',
      backup: {
        ...(options.migration ? { migration: options.migration } : {}),
        ...(options.retentionDays !== undefined ? { retentionDays: options.retentionDays } : {}),
      },
    },
    server,
  );
  const tuning = {
    ...(run.backfill ?? {}),
    ...(options.batchSize !== undefined ? { initialBatchSize: options.batchSize } : {}),
  };
  const progress = options.progress ?? run.progress;
  try {
    await runPlan(db, plan, { ...run, backfill: tuning, ...(progress ? { progress } : {}) });
  } catch (error) {
    await discardBackupsOfLiveColumn(db, ref, options);
    throw error;
  }
  return madeBackup(db, ref, options);
}

/**
 * The column and its live values stayed (the drop failed after the copy): a backup of it could
 * only ever undo later writes, so it goes.
 */
async function discardBackupsOfLiveColumn(db: Database, ref: ColumnRef, options: DdlOptions): Promise<void> {
  const live = await db.withSession(async (s) => columnAttnum(s, ref, ref.column)).catch(() => undefined);
  if (live === undefined) return;
  const found = await db
    .withSession((s) => selectBackups(s, { table: ref.table, column: ref.column }))
    .catch(() => []);
  for (const b of found)
    if (b.setAside === null && b.columnDefinition?.attnum === live)
      await discardBackup(db, b, options).catch(() => {});
}

/** The newest restorable copy of the column (made by this run, or by the first run of a rerun). */
async function madeBackup(db: Database, ref: ColumnRef, options: BackupOptions): Promise<BackupRecord> {
  const found = await db.withSession((s) =>
    selectBackups(s, {
      table: ref.table,
      column: ref.column,
      ...(options.migration ? { migration: options.migration } : {}),
    }),
  );
  const last = found.filter((b) => b.status === 'ready' && b.setAside === null).pop();
  if (last) return last;
  const present = await db.withSession((s) => readColumn(s, ref, ref.column));
  throw new BallastError(
    `drop of ${displayName(ref)}.${ref.column}: ${present ? 'the column is still there' : 'the column does not exist'} and no backup of it does`,
    {
      where: `${displayName(ref)}.${ref.column}`,
      hint: 'check the table and column names; listBackups(db, { includeHistory: true }) shows earlier backups',
    },
  );
}

/** Drops a backup's data (through the runner) and marks it `purged` (purgeBackups, a drop that did not happen). */
export async function discardBackup(db: Database, backup: BackupRecord, options: DdlOptions): Promise<void> {
  await runPlan(db, planPurge(backup), innerRunOptions(options));
  await db.withSession((s) => setBackupStatus(s, backup.id, 'purged'));
}
