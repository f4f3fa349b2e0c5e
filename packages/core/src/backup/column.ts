import type { Database } from '../db.js';
import { primaryKey, readColumn } from '../dialects/postgres/introspect.js';
import { qi, qtable } from '../dialects/quote.js';
import { readServerInfo, requireDatabaseDialect } from '../dialects/server.js';
import { displayName, type TableRef } from '../dialects/table-ref.js';
import { BallastError, UnsafeOperationError } from '../errors.js';
import { ownerOf } from '../ops/shared.js';
import { requirePrivileges } from '../run/bookkeeping.js';
import { refuseOutsideTransactionSteps, runPlan } from '../run/run-plan.js';
import type { BackupRecord } from './catalog.js';
import { innerRunOptions, runDdl } from './ddl.js';
import { columnAttnum } from './definition.js';
import { fillColumn } from './fill.js';
import { restoreNotNull } from './not-null.js';
import type { BackupOptions } from './options.js';
import { addColumnClauses, planRestoreDefinition } from './restore-definition.js';
import { takeBackup } from './take-backup.js';

export interface ColumnRef extends TableRef {
  readonly column: string;
}

export const backupRelation = (b: BackupRecord) => qtable({ schema: b.backupSchema, table: b.backupTable });

/**
 * Copies a column's values, keyed by primary key, into `ballast_backup.backup_<id>` on the
 * backfill loop (adaptive batches, lock_timeout, throttles, checkpoint), with its type, default,
 * NOT NULL and definition in the catalog, without dropping it (the drops do that with a backup
 * step: planDropColumn `keep: 'copy'`). The application must already have stopped writing the
 * column, or later writes are not in it.
 */
export async function backupColumn(
  db: Database,
  ref: ColumnRef,
  options: BackupOptions = {},
): Promise<BackupRecord> {
  requireDatabaseDialect(db, 'postgres', 'backupColumn');
  return takeBackup(
    db,
    {
      table: ref.table,
      ...(ref.schema ? { schema: ref.schema } : {}),
      column: ref.column,
      keep: 'copy',
      ...(options.migration ? { migration: options.migration } : {}),
      ...(options.retentionDays !== undefined ? { retentionDays: options.retentionDays } : {}),
    },
    {
      ...(options.batchSize !== undefined ? { initialBatchSize: options.batchSize } : {}),
      ...(options.progress ? { progress: options.progress } : {}),
    },
  );
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
  // A generated column's values are computed again by ADD COLUMN; they cannot be written.
  if (!backup.columnDefinition?.generated) {
    const data = backupRelation(backup);
    const match = keys.map((k) => `ballast_b.${qi(k.name)} = ${t}.${qi(k.name)}`).join(' and ');
    // Only rows the backup holds: rows inserted since the drop keep the default they got.
    await fillColumn(
      db,
      ref,
      column,
      {
        value: `select ballast_b.${qi(column)} from ${data} as ballast_b where ${match}`,
        where: `exists (select 1 from ${data} as ballast_b where ${match})`,
        job: `restore:${backup.id}`,
        operation: 'restore',
      },
      options,
    );
  }
  if (options.valuesOnly) return;
  if (backup.columnNotNull) await restoreNotNull(db, ref, column, defaultFill(backup), where, options);
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

/** Rows written while the column was gone get its default before NOT NULL comes back. */
export const defaultFill = (backup: BackupRecord) =>
  backup.columnDefault === null
    ? undefined
    : { expression: backup.columnDefault, job: `restore:${backup.id}:default` };
