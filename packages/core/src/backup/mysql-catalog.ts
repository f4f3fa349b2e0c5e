import type { Session } from '../db.js';
import { BallastError, InvalidArgumentError } from '../errors.js';
import { objectExists } from '../run/ensure-table.js';
import {
  BACKUP_CATALOG,
  type BackupFilter,
  type BackupRecord,
  type BackupStatus,
  DEFAULT_RETENTION_DAYS,
} from './catalog.js';

/**
 * The backup catalog on MySQL/MariaDB: the same `ballast_backups` rows as on PostgreSQL, in an
 * InnoDB table of the migrated database. Tables kept there (the old table of an online copy) stay
 * in the application's database under their set-aside name: MySQL has no schema apart from the
 * database, and RENAME into another database would need privileges there.
 */
const DDL = `create table if not exists ${BACKUP_CATALOG} (
  id bigint not null auto_increment primary key,
  kind varchar(16) not null,
  status varchar(16) not null default 'copying',
  source_schema varchar(64) not null,
  source_table varchar(64) not null,
  source_column varchar(64),
  backup_schema varchar(64) not null,
  backup_table varchar(64),
  aside varchar(64),
  column_type text,
  key_columns text,
  \`rows\` bigint,
  migration varchar(255),
  created_at datetime(6) not null default current_timestamp(6),
  expires_at datetime(6) not null,
  restored_at datetime(6)) engine = InnoDB`;

export async function ensureMysqlBackupCatalog(session: Session): Promise<void> {
  if (!(await objectExists(session, 'relation', BACKUP_CATALOG))) await session.query(DDL);
}

/**
 * A table kept under `aside` in its own database: `copying` until the caller marks it ready.
 * With `column`: the column the change was about (a dropped column, or a column whose type
 * changed), `columnType` its definition before, as JSON (online-copy/columns.ts MysqlColumn).
 */
export async function insertMysqlTableBackup(
  session: Session,
  b: {
    readonly schema: string;
    readonly table: string;
    readonly aside: string;
    readonly column?: { readonly name: string; readonly definition: string } | undefined;
    /** `column`: only the column's values are kept (a drop); default `table`, the whole table. */
    readonly kind?: 'table' | 'column';
    readonly keyColumns: readonly string[];
    readonly migration?: string | undefined;
    readonly retentionDays?: number | undefined;
  },
): Promise<number> {
  const days = b.retentionDays ?? DEFAULT_RETENTION_DAYS;
  if (!(days >= 0)) {
    throw new InvalidArgumentError([
      { argument: 'backup options.retentionDays', given: String(days), allowed: 'a number of days >= 0' },
    ]);
  }
  await ensureMysqlBackupCatalog(session);
  await session.query(
    `insert into ${BACKUP_CATALOG} (kind, status, source_schema, source_table, source_column, column_type,
       backup_schema, backup_table, aside, key_columns, migration, expires_at)
     values (?, 'copying', ?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp(6) + interval ? second)`,
    [
      b.kind ?? 'table',
      b.schema,
      b.table,
      b.column?.name ?? null,
      b.column?.definition ?? null,
      b.schema,
      b.aside,
      b.aside,
      JSON.stringify(b.keyColumns),
      b.migration ?? null,
      days * 86400,
    ],
  );
  const [row] = await session.query<{ id: number }>('select last_insert_id() as id');
  return Number(row!.id);
}

export async function setMysqlBackupStatus(
  session: Session,
  id: number,
  status: BackupStatus,
): Promise<void> {
  await session.query(
    `update ${BACKUP_CATALOG} set status = ?,
        restored_at = case when ? = 'restored' then current_timestamp(6) else restored_at end where id = ?`,
    [status, status, id],
  );
}

interface Row {
  id: number;
  kind: 'table' | 'column';
  status: BackupStatus;
  source_schema: string;
  source_table: string;
  source_column: string | null;
  backup_schema: string;
  backup_table: string;
  aside: string | null;
  column_type: string | null;
  key_columns: string | null;
  rows: number | null;
  bytes: number | null;
  present: number;
  migration: string | null;
  created_at: Date;
  expires_at: Date;
  restored_at: Date | null;
}

/** Catalog rows, with the kept table's size and whether it is still there (gone: purged). */
export async function selectMysqlBackups(
  session: Session,
  filter: BackupFilter = {},
): Promise<BackupRecord[]> {
  if (!(await objectExists(session, 'relation', BACKUP_CATALOG))) return [];
  const rows = await session.query<Row>(
    `select b.*, t.DATA_LENGTH + t.INDEX_LENGTH as bytes, t.TABLE_NAME is not null as present
       from ${BACKUP_CATALOG} b left join information_schema.TABLES t
         on t.TABLE_SCHEMA = b.backup_schema and t.TABLE_NAME = b.backup_table
      where (? is null or b.source_table = ?) and (? is null or b.source_column = ?)
        and (? is null or b.migration = ?) order by b.id`,
    [filter.table, filter.table, filter.column, filter.column, filter.migration, filter.migration].map(
      (v) => v ?? null,
    ),
  );
  const records = rows.map(
    (r): BackupRecord => ({
      id: Number(r.id),
      kind: r.kind,
      status: r.status === 'ready' && !Number(r.present) ? 'purged' : r.status,
      sourceSchema: r.source_schema,
      sourceTable: r.source_table,
      sourceColumn: r.source_column,
      backupSchema: r.backup_schema,
      backupTable: r.backup_table,
      setAside: r.aside,
      bytes: r.bytes === null ? null : Number(r.bytes),
      columnType: r.column_type,
      columnDefault: null,
      columnNotNull: null,
      columnDefinition: null,
      keyColumns: r.key_columns === null ? null : (JSON.parse(r.key_columns) as string[]),
      rows: r.rows === null ? null : Number(r.rows),
      migration: r.migration,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      restoredAt: r.restored_at,
    }),
  );
  return filter.includeHistory
    ? records
    : records.filter((b) => b.status === 'copying' || b.status === 'ready');
}

export async function mysqlBackupById(session: Session, id: number): Promise<BackupRecord> {
  const found = (await selectMysqlBackups(session, { includeHistory: true })).find((b) => b.id === id);
  if (found) return found;
  throw new BallastError(`backup ${id} does not exist`, {
    where: `${BACKUP_CATALOG}.id = ${id}`,
    hint: 'list the backups with listBackups(db)',
  });
}
