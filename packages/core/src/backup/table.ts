import type { Database } from '../db.js';
import { tableSchema } from '../dialects/postgres/introspect.js';
import { qi, qtable } from '../dialects/quote.js';
import { readServerInfo, requireDatabaseDialect } from '../dialects/server.js';
import { displayName, type TableRef } from '../dialects/table-ref.js';
import { BallastError } from '../errors.js';
import { requireConfirmUnused } from '../ops/drop-guard.js';
import { planDropTable } from '../ops/drop-table.js';
import { ownerOf } from '../ops/shared.js';
import { requirePrivileges, runBookkeeping } from '../run/bookkeeping.js';
import { runPlan } from '../run/run-plan.js';
import { parseCall } from '../validate/parse.js';
import { callArgs } from '../validate/run.js';
import { type BackupRecord, selectBackups, setBackupStatus } from './catalog.js';
import { innerRunOptions, runDdl } from './ddl.js';
import { dropTableMysql } from './mysql-table.js';
import type { BackupOptions, DropWithBackupOptions } from './options.js';
import { planRestoreSetAside } from './set-aside.js';

/**
 * "Drops" a table through the drop planner and the runner: a backup step records it in the
 * catalog, then it moves to `ballast_backup.ballast_dropped_<table>_<stamp>` (catalog only,
 * instant whatever the size; data, indexes, constraints and owned sequences intact). This IS
 * the drop: the application must no longer use the table. A rerun finds it done.
 */
export async function backupTable(
  db: Database,
  ref: TableRef,
  options: DropWithBackupOptions = {},
): Promise<BackupRecord> {
  requireDatabaseDialect(db, 'postgres', 'backupTable');
  const run = {
    ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: options.lockTimeoutMs } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...options.run,
  };
  await requirePrivileges(
    db,
    { bookkeeping: ['backups', 'backupSchema', ...runBookkeeping(db, run, false)], requires: ownerOf(ref) },
    `drop table ${displayName(ref)}`,
  );
  const server = await db.withSession(readServerInfo);
  const backup = {
    ...(options.migration ? { migration: options.migration } : {}),
    ...(options.retentionDays !== undefined ? { retentionDays: options.retentionDays } : {}),
  };
  const plan = planDropTable({ ...ref, confirmUnused: true, backup }, server);
  await runPlan(db, plan, run);
  const found = await db.withSession((s) =>
    selectBackups(s, { table: ref.table, ...(options.migration ? { migration: options.migration } : {}) }),
  );
  const last = found.filter((b) => b.kind === 'table' && b.status === 'ready').pop();
  if (last) return last;
  throw new BallastError(
    `drop of table ${displayName(ref)}: the table does not exist and no backup of it does`,
    {
      where: displayName(ref),
      hint: 'check the name and schema; listBackups(db, { includeHistory: true }) shows earlier backups',
    },
  );
}

/**
 * Moves the table back under its own name (instant): a set-aside table is renamed back by the
 * runner; a table an older version moved into `ballast_backup` is moved back. Fails if a table of
 * that name exists again.
 */
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
  if (backup.setAside !== null) {
    await runPlan(db, planRestoreSetAside(backup), innerRunOptions(options));
  } else {
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
  }
  await db.withSession((s) => setBackupStatus(s, backup.id, 'restored'));
}

/** dropTable with a backup: refused unless the caller confirms the table is unused; then the drop plan. */
export async function dropTableWithBackup(
  db: Database,
  ref: TableRef & { readonly confirmUnused: true },
  options: DropWithBackupOptions = {},
): Promise<BackupRecord> {
  parseCall('dropTableWithBackup', callArgs.dropTableWithBackup, [db, ref, options]);
  requireConfirmUnused('drop table', displayName(ref), ref.confirmUnused);
  if (db.dialect === 'mysql') return dropTableMysql(db, ref, options);
  requireDatabaseDialect(db, 'postgres', 'dropTableWithBackup');
  return backupTable(db, { table: ref.table, ...(ref.schema ? { schema: ref.schema } : {}) }, options);
}
