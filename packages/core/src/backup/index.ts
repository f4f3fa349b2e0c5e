import type { Database } from '../db.js';
import { BallastError } from '../errors.js';
import { runPlan } from '../run/run-plan.js';
import {
  BACKUP_CATALOG,
  type BackupFilter,
  type BackupRecord,
  backupById,
  selectBackups,
  setBackupStatus,
} from './catalog.js';
import { defaultFill, restoreColumn } from './column.js';
import { innerRunOptions } from './ddl.js';
import { discardBackup } from './drop.js';
import { mysqlBackupById, selectMysqlBackups } from './mysql-catalog.js';
import { purgeMysqlBackups } from './mysql-purge.js';
import { restoreMysqlBackup } from './mysql-table.js';
import { restoreNotNull } from './not-null.js';
import type { BackupOptions } from './options.js';
import { planPurge, planRestoreSetAside } from './set-aside.js';
import { restoreTable } from './table.js';

export {
  BACKUP_CATALOG,
  BACKUP_SCHEMA,
  type BackupFilter,
  type BackupKind,
  type BackupRecord,
  type BackupStatus,
  DEFAULT_RETENTION_DAYS,
} from './catalog.js';

import { parseCall } from '../validate/parse.js';
import { callArgs } from '../validate/run.js';

export { backupColumn, type ColumnRef } from './column.js';
export { dropColumnWithBackup } from './drop.js';
export type { BackupOptions, DropWithBackupOptions } from './options.js';
export { backupTable, dropTableWithBackup } from './table.js';

/** Backups that can still be restored (or, with `includeHistory`, all of them), oldest first. */
export async function listBackups(db: Database, filter: BackupFilter = {}): Promise<BackupRecord[]> {
  parseCall('listBackups', callArgs.listBackups, [db, filter]);
  if (db.dialect === 'mysql') return db.withSession((s) => selectMysqlBackups(s, filter));
  return db.withSession((s) => selectBackups(s, filter));
}

/** Which backup: its id, or the newest restorable one for a table (and column / migration). */
export type BackupSelector = number | (BackupFilter & { readonly table: string });

/**
 * Restores a backup: a copied column comes back with every value, its default, NOT NULL and
 * definition; a set-aside column or table is renamed back (a column gets its NOT NULL back). The backup's data is removed afterwards; its catalog row stays as
 * history (status `restored`).
 */
export async function restoreBackup(
  db: Database,
  which: BackupSelector,
  options: BackupOptions = {},
): Promise<BackupRecord> {
  parseCall('restoreBackup', callArgs.restoreBackup, [db, which, options]);
  const mysql = db.dialect === 'mysql';
  const backup = await db.withSession(async (s) => {
    if (typeof which === 'number') return mysql ? mysqlBackupById(s, which) : backupById(s, which);
    const found = (
      await (mysql ? selectMysqlBackups : selectBackups)(s, { ...which, includeHistory: false })
    ).filter((b) => which.column !== undefined || b.kind === 'table');
    const newest = found[found.length - 1];
    // A rerun after this very restore finished (kill -9 before the caller recorded it): already done.
    const restored = newest
      ? undefined
      : (await (mysql ? selectMysqlBackups : selectBackups)(s, { ...which, includeHistory: true }))
          .filter((b) => which.column !== undefined || b.kind === 'table')
          .at(-1);
    if (restored?.status === 'restored' && which.migration !== undefined) return restored;
    if (!newest) {
      const what = which.column ? `${which.table}.${which.column}` : which.table;
      throw new BallastError(
        `no restorable backup of ${what}${which.migration ? ` made by ${which.migration}` : ''}`,
        {
          where: `${BACKUP_CATALOG}`,
          hint: 'listBackups(db, { includeHistory: true }) shows purged and restored ones',
        },
      );
    }
    return newest;
  });
  // Only found by a selector with its migration: this very restore, rerun after it finished.
  if (backup.status === 'restored' && typeof which !== 'number') return backup;
  if (backup.status === 'ready' && db.dialect === 'mysql') return restoreMysqlBackup(db, backup, options);
  if (backup.status !== 'ready') {
    throw new BallastError(
      `backup ${backup.id} of ${backup.sourceTable} is ${backup.status}, not restorable`,
      {
        where: `${BACKUP_CATALOG}.id = ${backup.id}`,
        hint:
          backup.status === 'copying'
            ? 'the copy did not finish (the drop never ran): the source is intact; purge this backup'
            : 'nothing left to restore',
      },
    );
  }
  if (backup.kind === 'table') {
    await restoreTable(db, backup, options);
  } else {
    if (backup.setAside !== null) await restoreSetAsideColumn(db, backup, options);
    else {
      await restoreColumn(db, backup, options);
      await runPlan(db, planPurge(backup), innerRunOptions(options));
    }
    await db.withSession((s) => setBackupStatus(s, backup.id, 'restored'));
  }
  return db.withSession((s) => backupById(s, backup.id));
}

/** A set-aside column renamed back, then its NOT NULL (relaxed by the drop) put back. */
async function restoreSetAsideColumn(
  db: Database,
  backup: BackupRecord,
  options: BackupOptions,
): Promise<void> {
  await runPlan(db, planRestoreSetAside(backup), innerRunOptions(options));
  if (!backup.columnNotNull || options.valuesOnly) return;
  const ref = { schema: backup.sourceSchema, table: backup.sourceTable };
  const where = `restore of ${ref.schema}.${ref.table}.${backup.sourceColumn} from backup ${backup.id}`;
  await restoreNotNull(db, ref, backup.sourceColumn!, defaultFill(backup), where, options);
}

export interface PurgeOptions extends BackupOptions {
  /** Only backups past their `expires_at`. Default true: purging everything must be asked for. */
  readonly expiredOnly?: boolean;
  /** The instant expiry is judged at. Default: the server's now(). */
  readonly now?: Date;
  /** Only these backups, expired or not (e.g. one whose drop never happened). */
  readonly ids?: readonly number[];
}

/**
 * Drops backup data (expired only by default, or the given `ids`) and marks the catalog rows
 * `purged`: copies in ballast_backup, set-aside tables (DROP TABLE) and set-aside columns (DROP
 * COLUMN, catalog only), each through the runner.
 */
export async function purgeBackups(db: Database, options: PurgeOptions = {}): Promise<BackupRecord[]> {
  parseCall('purgeBackups', callArgs.purgeBackups, [db, options]);
  if (db.dialect === 'mysql') return purgeMysqlBackups(db, options);
  const expiredOnly = options.expiredOnly ?? true;
  const candidates = await db.withSession(async (s) => {
    const all = await selectBackups(s, {});
    if (options.ids) return all.filter((b) => options.ids!.includes(b.id));
    if (!expiredOnly) return all;
    const [row] = await s.query<{ now: Date }>('select coalesce($1::timestamptz, now()) as now', [
      options.now ?? null,
    ]);
    return all.filter((b) => b.expiresAt.getTime() <= row!.now.getTime());
  });
  for (const backup of candidates) await discardBackup(db, backup, options);
  return candidates.map((b) => ({ ...b, status: 'purged' as const }));
}
