import type { Database } from '../db.js';
import { displayName, type TableRef } from '../dialects/table-ref.js';
import { UnsafeOperationError } from '../errors.js';
import { droppedTableName } from '../ops/drop-table.js';
import type { BackupRecord } from './catalog.js';
import { innerRunOptions } from './ddl.js';
import {
  insertMysqlTableBackup,
  mysqlBackupById,
  selectMysqlBackups,
  setMysqlBackupStatus,
} from './mysql-catalog.js';
import { restoreMysqlColumn } from './mysql-column.js';
import {
  currentDatabase,
  mysqlDdlStep,
  runOneStep,
  tableExists,
  tableOf,
  unusedTableName,
} from './mysql-ddl.js';
import type { BackupOptions, DropWithBackupOptions } from './options.js';

/**
 * dropTable on MySQL/MariaDB: `RENAME TABLE t TO ballast_dropped_<t>_<stamp>` (metadata only),
 * recorded in the catalog first, so listBackups/restoreBackup/purgeBackups see it. A rerun after
 * the rename finds the catalog row and the renamed table and only marks it ready.
 */
export async function dropTableMysql(
  db: Database,
  ref: TableRef,
  options: DropWithBackupOptions,
): Promise<BackupRecord> {
  const where = displayName(ref);
  const schema = ref.schema ?? (await db.withSession(currentDatabase));
  const pending = (await db.withSession((s) => selectMysqlBackups(s, { table: ref.table })))
    .filter(
      (b) => b.kind === 'table' && b.status === 'copying' && b.migration === (options.migration ?? null),
    )
    .at(-1);
  const at = new Date();
  const aside =
    pending?.backupTable ??
    (await unusedTableName(db, schema, (n) => droppedTableName(n ? `${ref.table}_${n}` : ref.table, at)));
  const id =
    pending?.id ??
    (await db.withSession((s) =>
      insertMysqlTableBackup(s, {
        schema,
        table: ref.table,
        aside,
        keyColumns: [],
        migration: options.migration,
        retentionDays: options.retentionDays,
      }),
    ));
  const there = await tableExists(db, schema, ref.table);
  if (there) {
    await runOneStep(
      db,
      mysqlDdlStep(
        `drop-table:${where}:set-aside`,
        `rename ${where} to ${aside} (metadata only): the drop, restorable`,
        ref,
        `RENAME TABLE ${tableOf(schema, ref.table)} TO ${tableOf(schema, aside)}`,
      ),
      { ...innerRunOptions(options), ...(options.run ?? {}), lock: false },
    );
  }
  await db.withSession((s) => setMysqlBackupStatus(s, id, 'ready'));
  return backupOf(db, id);
}

/**
 * restoreBackup on MySQL/MariaDB. A kept table (a drop, or the old table of an online copy) is
 * renamed back, only when no table has its name now. A column (dropColumn) is added back with its
 * recorded definition (NULL allowed while it fills), filled from the kept table by primary key in
 * batches, then given its NOT NULL back in place.
 */
export async function restoreMysqlBackup(
  db: Database,
  backup: BackupRecord,
  options: BackupOptions,
): Promise<BackupRecord> {
  const source = tableOf(backup.sourceSchema, backup.sourceTable);
  const kept = tableOf(backup.backupSchema, backup.backupTable);
  const ref = { schema: backup.sourceSchema, table: backup.sourceTable };
  const where = displayName(ref);
  if (backup.kind === 'table') {
    if (await tableExists(db, backup.sourceSchema, backup.sourceTable)) {
      throw new UnsafeOperationError(
        `restore of ${where} from backup ${backup.id}: a table ${where} exists, and the restore renames ${backup.backupTable} to that name`,
        {
          where,
          hint: `rename or drop the current ${where} first (its rows are not merged), or read the kept rows from ${backup.backupTable}`,
        },
      );
    }
    await runOneStep(
      db,
      mysqlDdlStep(
        `restore-backup:${backup.id}`,
        `rename ${backup.backupTable} back to ${where}`,
        ref,
        `RENAME TABLE ${kept} TO ${source}`,
      ),
      innerRunOptions(options),
    );
  } else {
    await restoreMysqlColumn(db, backup, options);
  }
  await db.withSession((s) => setMysqlBackupStatus(s, backup.id, 'restored'));
  return backupOf(db, backup.id);
}

export const backupOf = (db: Database, id: number) => db.withSession((s) => mysqlBackupById(s, id));
