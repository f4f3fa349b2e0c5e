import type { Database } from '../db.js';
import {
  primaryKey,
  primaryKeyWithout,
  readColumn,
  requireColumn,
  tableSchema,
} from '../dialects/postgres/introspect.js';
import { qi, qtable } from '../dialects/quote.js';
import { readServerInfo } from '../dialects/server.js';
import { displayName, type TableRef } from '../dialects/table-ref.js';
import { BallastError, UnsafeOperationError } from '../errors.js';
import { ownerOf } from '../ops/shared.js';
import { requirePrivileges } from '../run/bookkeeping.js';
import { refuseOutsideTransactionSteps, runPlan } from '../run/run-plan.js';
import { copyInKeyBatches } from './batches.js';
import { type BackupRecord, ensureBackupCatalog, insertBackup, setBackupStatus } from './catalog.js';
import { innerRunOptions, runDdl } from './ddl.js';
import { columnAttnum, readColumnDefinition } from './definition.js';
import { restoreNotNull } from './not-null.js';
import type { BackupOptions } from './options.js';
import { addColumnClauses, planRestoreDefinition } from './restore-definition.js';

export interface ColumnRef extends TableRef {
  readonly column: string;
}

export const backupRelation = (b: BackupRecord) => qtable({ schema: b.backupSchema, table: b.backupTable });

/**
 * Copies a column's values, keyed by primary key, into `ballast_backup.backup_<id>` in batches,
 * with its type, default and NOT NULL in the catalog. Call it right before the drop: the
 * application must already have stopped writing the column, or later writes are not in it.
 */
export async function backupColumn(
  db: Database,
  ref: ColumnRef,
  options: BackupOptions = {},
): Promise<BackupRecord> {
  const where = `backup of ${displayName(ref)}.${ref.column}`;
  await requirePrivileges(db, { bookkeeping: ['backups', 'backupSchema'] }, where);
  const { info, keys, schema, record } = await db.withSession(async (s) => {
    const info = await requireColumn(s, ref, ref.column, where);
    const keys = await primaryKeyWithout(
      s,
      ref,
      ref.column,
      where,
      'a primary key column cannot be dropped on its own; drop or replace the key first',
    );
    if (keys.length === 0) {
      throw new UnsafeOperationError(
        `${where}: ${displayName(ref)} has no primary key to key the values by`,
        {
          where: displayName(ref),
          hint: 'add a primary key first, or keep the whole table with backupTable()',
        },
      );
    }
    const schema = (await tableSchema(s, ref))!;
    const definition = await readColumnDefinition(s, ref, ref.column, where);
    await ensureBackupCatalog(s);
    const record = await insertBackup(s, {
      kind: 'column',
      sourceSchema: schema,
      sourceTable: ref.table,
      sourceColumn: ref.column,
      columnType: info.type,
      columnDefault: info.default,
      columnNotNull: info.notNull,
      columnDefinition: definition,
      keyColumns: keys.map((k) => k.name),
      migration: options.migration,
      retentionDays: options.retentionDays,
    });
    return { info, keys, schema, record };
  });
  const target = backupRelation(record);
  const columns = [...keys.map((k) => `${qi(k.name)} ${k.type}`), `${qi(ref.column)} ${info.type}`];
  await runDdl(
    db,
    [
      {
        sql: `create table ${target} (${columns.join(', ')}, primary key (${keys.map((k) => qi(k.name)).join(', ')}))`,
      },
    ],
    where,
    options,
  );
  const rows = await copyInKeyBatches(
    db,
    {
      operation: 'backup',
      target: `${displayName({ schema, table: ref.table })}.${ref.column}`,
      from: qtable({ schema, table: ref.table }),
      keys,
      columns: [qi(ref.column)],
      write: `insert into ${target} select * from batch`,
    },
    options,
  );
  await db.withSession((s) => setBackupStatus(s, record.id, 'ready', rows));
  return { ...record, status: 'ready', rows };
}

/**
 * Puts a dropped column back: ADD COLUMN (instant, with its collation), its default, every value
 * by primary key in batches, then NOT NULL the safe way (CHECK NOT VALID → VALIDATE → SET NOT
 * NULL), then the rest of its definition (restore-definition.ts). Rows added after the drop get
 * the default when there is one.
 */
export async function restoreColumn(
  db: Database,
  backup: BackupRecord,
  options: BackupOptions = {},
): Promise<void> {
  const ref = { schema: backup.sourceSchema, table: backup.sourceTable };
  const column = backup.sourceColumn!;
  const where = `restore of ${displayName(ref)}.${column} from backup ${backup.id}`;
  await requirePrivileges(db, { bookkeeping: ['backups', 'backupSchema'], requires: ownerOf(ref) }, where);
  const t = qtable(ref);
  const [existing, attnum, keys, server] = await db.withSession(
    async (s) =>
      [
        await readColumn(s, ref, column),
        await columnAttnum(s, ref, column),
        await primaryKey(s, ref),
        await readServerInfo(s),
      ] as const,
  );
  if (attnum !== undefined) refuseLiveColumn(backup, attnum, where);
  const definition =
    backup.columnDefinition && !options.valuesOnly
      ? planRestoreDefinition(ref, column, backup.columnDefinition, server, backup.id)
      : undefined;
  // Before any work: index builds cannot run in the caller's transaction.
  for (const step of definition?.steps ?? []) refuseOutsideTransactionSteps(db, step, definition!);
  if (existing && existing.type !== backup.columnType) {
    throw new BallastError(
      `${where}: ${displayName(ref)}.${column} exists with type ${existing.type}, the backup holds ${backup.columnType}`,
      {
        where: `${displayName(ref)}.${column}`,
        hint: 'rename or drop the column that took its place, then restore again',
      },
    );
  }
  const statements = existing
    ? []
    : [
        {
          sql: `alter table ${t} add column ${qi(column)} ${backup.columnType}${addColumnClauses(backup.columnDefinition)}`,
        },
      ];
  if (backup.columnDefault !== null && !options.valuesOnly) {
    statements.push({
      sql: `alter table ${t} alter column ${qi(column)} set default ${backup.columnDefault}`,
    });
  }
  if (statements.length > 0) await runDdl(db, statements, where, options);
  if (keys.map((k) => k.name).join() !== backup.keyColumns!.join()) {
    throw new BallastError(`${where}: the primary key of ${displayName(ref)} changed since the backup`, {
      where: displayName(ref),
      hint: `the values are keyed by (${backup.keyColumns!.join(', ')}); restore them by hand from ${backup.backupSchema}.${backup.backupTable}`,
    });
  }
  const match = keys.map((k) => `ballast_t.${qi(k.name)} = batch.${qi(k.name)}`).join(' and ');
  // A generated column's values are computed again by ADD COLUMN; they cannot be written.
  if (!backup.columnDefinition?.generated)
    await copyInKeyBatches(
      db,
      {
        operation: 'restore',
        target: `${displayName(ref)}.${column}`,
        from: backupRelation(backup),
        keys,
        columns: [qi(column)],
        write: `update ${t} as ballast_t set ${qi(column)} = batch.${qi(column)} from batch where ${match}`,
        total: backup.rows ?? undefined,
      },
      options,
    );
  if (options.valuesOnly) return;
  if (backup.columnNotNull)
    await restoreNotNull(db, ref, column, backup.columnDefault !== null, where, options);
  if (definition) await runPlan(db, definition, innerRunOptions(options));
}

/**
 * A live column may only be filled when an interrupted restore added it (another attnum than the
 * backed-up column's). The column the backup was taken from still being there means the drop
 * failed or never ran: its values are newer than the backup's, and writing them back would
 * silently undo every update since.
 */
function refuseLiveColumn(backup: BackupRecord, attnum: number, where: string): void {
  const column = `${displayName({ schema: backup.sourceSchema, table: backup.sourceTable })}.${backup.sourceColumn}`;
  const purge = `purgeBackups(db, { ids: [${backup.id}] })`;
  if (backup.columnDefinition === null) {
    throw new UnsafeOperationError(
      `${where}: ${column} exists, and this backup (made by an older Ballast) does not record which column it was taken from`,
      {
        where: column,
        hint: `if the column was never dropped, keep it and discard the backup with ${purge}; if an interrupted restore added it, drop that column and restore again`,
      },
    );
  }
  if (backup.columnDefinition.attnum !== attnum) return;
  throw new UnsafeOperationError(
    `${where}: ${column} was never dropped (the drop failed or did not run), so there is nothing to restore: ` +
      'its live values are newer than the backup and would be overwritten',
    {
      where: column,
      hint: `keep the column as it is and discard the backup with ${purge}`,
    },
  );
}
