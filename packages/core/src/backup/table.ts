import type { Database } from '../db.js';
import { tableSchema } from '../dialects/postgres/introspect.js';
import { qi, qtable } from '../dialects/quote.js';
import { displayName, type TableRef } from '../dialects/table-ref.js';
import { BallastError, TableNotFoundError } from '../errors.js';
import { requireConfirmUnused } from '../ops/drop-guard.js';
import { ownerOf } from '../ops/shared.js';
import { requirePrivileges } from '../run/bookkeeping.js';
import { parseCall } from '../validate/parse.js';
import { callArgs } from '../validate/run.js';
import {
  BACKUP_SCHEMA,
  type BackupRecord,
  ensureBackupCatalog,
  insertBackup,
  setBackupStatus,
} from './catalog.js';
import { runDdl } from './ddl.js';
import type { BackupOptions } from './options.js';

/**
 * "Drops" a table by moving it into the `ballast_backup` schema under `backup_<id>`: a catalog
 * rename, instant whatever the size, data, indexes, constraints and owned sequences intact.
 * This IS the drop: the application must no longer use the table.
 */
export async function backupTable(
  db: Database,
  ref: TableRef,
  options: BackupOptions = {},
): Promise<BackupRecord> {
  const where = `backup of table ${displayName(ref)}`;
  await requirePrivileges(db, { bookkeeping: ['backups', 'backupSchema'], requires: ownerOf(ref) }, where);
  const record = await db.withSession(async (s) => {
    const schema = await tableSchema(s, ref);
    if (!schema) {
      throw new TableNotFoundError(`${where}: table ${displayName(ref)} does not exist`, {
        where: displayName(ref),
        hint: 'check the name and schema; listBackups() shows whether it was already moved',
      });
    }
    await ensureBackupCatalog(s);
    return insertBackup(s, {
      kind: 'table',
      sourceSchema: schema,
      sourceTable: ref.table,
      migration: options.migration,
      retentionDays: options.retentionDays,
    });
  });
  // Both statements in one transaction: the table is never visible under a third name.
  await runDdl(
    db,
    [
      {
        sql: `alter table ${qtable({ schema: record.sourceSchema, table: ref.table })} set schema ${qi(BACKUP_SCHEMA)}`,
      },
      {
        sql: `alter table ${qtable({ schema: BACKUP_SCHEMA, table: ref.table })} rename to ${qi(record.backupTable)}`,
      },
      {
        sql: `update ballast_backups set status = 'ready', rows = (select reltuples::bigint from pg_class where oid = to_regclass($2)) where id = $1`,
        params: [record.id, qtable({ schema: BACKUP_SCHEMA, table: record.backupTable })],
      },
    ],
    where,
    options,
  );
  return { ...record, status: 'ready' };
}

/** Moves the table back under its own name; instant. Fails if a table of that name exists again. */
export async function restoreTable(
  db: Database,
  backup: BackupRecord,
  options: BackupOptions = {},
): Promise<void> {
  const ref = { schema: backup.sourceSchema, table: backup.sourceTable };
  const where = `restore of table ${displayName(ref)} from backup ${backup.id}`;
  const taken = await db.withSession((s) => tableSchema(s, ref));
  if (taken) {
    throw new BallastError(`${where}: a table ${displayName(ref)} exists again`, {
      where: displayName(ref),
      hint: `rename or drop it first; the backup stays in ${backup.backupSchema}.${backup.backupTable}`,
    });
  }
  const moved = qtable({ schema: backup.backupSchema, table: backup.backupTable });
  await runDdl(
    db,
    [
      { sql: `alter table ${moved} rename to ${qi(backup.sourceTable)}` },
      {
        sql: `alter table ${qtable({ schema: backup.backupSchema, table: backup.sourceTable })} set schema ${qi(backup.sourceSchema)}`,
      },
    ],
    where,
    options,
  );
  await db.withSession((s) => setBackupStatus(s, backup.id, 'restored'));
}

/** dropTable with a backup: refused unless the caller confirms the table is unused; then the move. */
export function dropTableWithBackup(
  db: Database,
  ref: TableRef & { readonly confirmUnused: true },
  options: BackupOptions = {},
): Promise<BackupRecord> {
  parseCall('dropTableWithBackup', callArgs.dropTableWithBackup, [db, ref, options]);
  requireConfirmUnused('drop table', displayName(ref), ref.confirmUnused);
  return backupTable(db, ref, options);
}
