import type { Session } from '../db.js';
import { BallastError, InvalidArgumentError } from '../errors.js';
import { objectExists } from '../run/ensure-table.js';
import type { ColumnDefinition } from './definition.js';

/**
 * The backup catalog: one row per backup in `ballast_backups` (in the migrated database, so it
 * survives a crash and every deploy host sees it). The data itself lives in the
 * `ballast_backup` schema, one table per backup, named after the backup id.
 */
export const BACKUP_CATALOG = 'ballast_backups';
export const BACKUP_SCHEMA = 'ballast_backup';
/** Default retention: long enough to notice a mistake and roll back, short enough not to hoard. */
export const DEFAULT_RETENTION_DAYS = 7;

export type BackupKind = 'column' | 'table';
/**
 * `copying` until the data is complete; `ready` can be restored; `restored`/`purged` are history.
 * A set-aside backup whose object is gone is listed as `restored` when the source is back under its
 * name (a plan's reverse renamed it), else `purged`.
 */
export type BackupStatus = 'copying' | 'ready' | 'restored' | 'purged';

export interface BackupRecord {
  readonly id: number;
  readonly kind: BackupKind;
  readonly status: BackupStatus;
  readonly sourceSchema: string;
  readonly sourceTable: string;
  /** The dropped column (kind `column`); null for a table. */
  readonly sourceColumn: string | null;
  /** Where the data is: `ballast_backup.backup_<id>` for a copy; the set-aside table, or the table holding the set-aside column. */
  readonly backupSchema: string;
  readonly backupTable: string;
  /**
   * The name the drop renamed the table or column to, in place (`ballast_dropped_*`); null when
   * the values were copied into `ballast_backup` (or the table moved there by an older version).
   */
  readonly setAside: string | null;
  /** Bytes the backup holds on disk (table and copies; null for a set-aside column). */
  readonly bytes: number | null;
  /** SQL type of the column (`format_type`), its default expression and NOT NULL, for restore. */
  readonly columnType: string | null;
  readonly columnDefault: string | null;
  readonly columnNotNull: boolean | null;
  /** The rest of the column's definition, read at backup time (null for a table, or an old catalog row). */
  readonly columnDefinition: ColumnDefinition | null;
  /** Primary key columns the values are keyed by (kind `column`). */
  readonly keyColumns: readonly string[] | null;
  readonly rows: number | null;
  /** The migration that made it (so its `down()` finds it), when known. */
  readonly migration: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly restoredAt: Date | null;
}

/** Columns added after the first release: catalogs made by older versions gain them on next use. */
const LATER_COLUMNS = { column_definition: 'jsonb', aside: 'text' } as const;

async function missingColumns(session: Session): Promise<(keyof typeof LATER_COLUMNS)[]> {
  const rows = await session.query<{ name: keyof typeof LATER_COLUMNS }>(
    `select c.name from unnest($2::text[]) c(name)
      where not exists (select 1 from pg_attribute where attrelid = to_regclass($1)
                          and attname = c.name and not attisdropped)`,
    [BACKUP_CATALOG, Object.keys(LATER_COLUMNS)],
  );
  return rows.map((r) => r.name);
}

export async function ensureBackupCatalog(session: Session): Promise<void> {
  if (
    (await objectExists(session, 'schema', BACKUP_SCHEMA)) &&
    (await objectExists(session, 'relation', BACKUP_CATALOG)) &&
    (await missingColumns(session)).length === 0
  )
    return;
  // Serialised: two deploys creating the catalog at once would race on pg_type's unique index.
  await session.query('select pg_advisory_lock(hashtext($1))', [BACKUP_CATALOG]);
  try {
    // Only what is missing: an admin may have created them for a role without CREATE (setupSql).
    if (!(await objectExists(session, 'schema', BACKUP_SCHEMA)))
      await session.query(`create schema if not exists ${BACKUP_SCHEMA}`);
    if (!(await objectExists(session, 'relation', BACKUP_CATALOG)))
      await session.query(`create table if not exists ${BACKUP_CATALOG} (
      id bigserial primary key,
      kind text not null check (kind in ('column', 'table')),
      status text not null default 'copying' check (status in ('copying', 'ready', 'restored', 'purged')),
      source_schema text not null,
      source_table text not null,
      source_column text,
      backup_schema text not null default '${BACKUP_SCHEMA}',
      backup_table text,
      column_type text,
      column_default text,
      column_not_null boolean,
      column_definition jsonb,
      aside text,
      key_columns text[],
      rows bigint,
      migration text,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      restored_at timestamptz)`);
    // Only when missing: the ALTER takes an exclusive lock and needs ownership.
    for (const name of await missingColumns(session))
      await session.query(
        `alter table ${BACKUP_CATALOG} add column if not exists ${name} ${LATER_COLUMNS[name]}`,
      );
  } finally {
    await session.query('select pg_advisory_unlock(hashtext($1))', [BACKUP_CATALOG]);
  }
}

interface BackupRow {
  id: string;
  kind: BackupKind;
  status: BackupStatus;
  source_schema: string;
  source_table: string;
  source_column: string | null;
  backup_schema: string;
  backup_table: string;
  column_type: string | null;
  column_default: string | null;
  column_not_null: boolean | null;
  column_definition: ColumnDefinition | null;
  aside: string | null;
  present: boolean;
  back: boolean;
  bytes: string | null;
  key_columns: string[] | null;
  rows: string | null;
  migration: string | null;
  created_at: Date;
  expires_at: Date;
  restored_at: Date | null;
}

const toRecord = (r: BackupRow): BackupRecord => ({
  id: Number(r.id),
  kind: r.kind,
  // A set-aside object that is no longer there has nothing left to restore: renamed back by a
  // plan's reverse (the source is there again), or dropped.
  status: r.status === 'ready' && !r.present ? (r.back ? 'restored' : 'purged') : r.status,
  sourceSchema: r.source_schema,
  sourceTable: r.source_table,
  sourceColumn: r.source_column,
  backupSchema: r.backup_schema,
  backupTable: r.backup_table,
  setAside: r.aside ?? null,
  bytes: r.bytes === null ? null : Number(r.bytes),
  columnType: r.column_type,
  columnDefault: r.column_default,
  columnNotNull: r.column_not_null,
  columnDefinition: r.column_definition ?? null,
  keyColumns: r.key_columns,
  rows: r.rows === null ? null : Number(r.rows),
  migration: r.migration,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  restoredAt: r.restored_at,
});

export interface NewBackup {
  readonly kind: BackupKind;
  readonly sourceSchema: string;
  readonly sourceTable: string;
  readonly sourceColumn?: string | undefined;
  readonly columnType?: string | undefined;
  readonly columnDefault?: string | null | undefined;
  readonly columnNotNull?: boolean | undefined;
  readonly columnDefinition?: ColumnDefinition | undefined;
  readonly keyColumns?: readonly string[] | undefined;
  readonly migration?: string | undefined;
  readonly retentionDays?: number | undefined;
  /** Set-aside name: the data stays in the source table (`ready` at once), else a copy `backup_<id>`. */
  readonly aside?: string | undefined;
}

/**
 * Inserts the catalog row: a copy starts `copying` into `ballast_backup.backup_<id>`; a set-aside
 * object is `ready` at once and names where it will be (listed only once it is there).
 */
export async function insertBackup(session: Session, b: NewBackup): Promise<BackupRecord> {
  const days = b.retentionDays ?? DEFAULT_RETENTION_DAYS;
  if (!(days >= 0)) {
    throw new InvalidArgumentError([
      { argument: 'backup options.retentionDays', given: String(days), allowed: 'a number of days >= 0' },
    ]);
  }
  const [row] = await session.query<{ id: string }>(
    `insert into ${BACKUP_CATALOG} (kind, source_schema, source_table, source_column, column_type, column_default,
       column_not_null, key_columns, migration, expires_at, column_definition, aside, status,
       backup_schema, backup_table)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() + make_interval(secs => $10::double precision), $11,
       $12::text, case when $12 is null then 'copying' else 'ready' end,
       case when $12 is null or $1 = 'table' then $13 else $2 end,
       case when $12 is null then null when $1 = 'table' then $12 else $3 end)
     returning id`,
    [
      b.kind,
      b.sourceSchema,
      b.sourceTable,
      b.sourceColumn ?? null,
      b.columnType ?? null,
      b.columnDefault ?? null,
      b.columnNotNull ?? null,
      b.keyColumns ?? null,
      b.migration ?? null,
      days * 86400,
      b.columnDefinition === undefined ? null : JSON.stringify(b.columnDefinition),
      b.aside ?? null,
      BACKUP_SCHEMA,
    ],
  );
  const id = Number(row!.id);
  if (b.aside === undefined)
    await session.query(`update ${BACKUP_CATALOG} set backup_table = 'backup_' || id where id = $1`, [id]);
  return backupById(session, id);
}

export async function setBackupStatus(
  session: Session,
  id: number,
  status: BackupStatus,
  rows?: number,
): Promise<void> {
  await session.query(
    `update ${BACKUP_CATALOG} set status = $2, rows = coalesce($3, rows),
        restored_at = case when $2 = 'restored' then now() else restored_at end where id = $1`,
    [id, status, rows ?? null],
  );
}

export interface BackupFilter {
  readonly table?: string;
  readonly column?: string;
  readonly migration?: string;
  /** Also list restored and purged backups (history). Default false. */
  readonly includeHistory?: boolean;
}

async function catalogExists(session: Session): Promise<boolean> {
  const [row] = await session.query<{ ok: boolean }>('select to_regclass($1) is not null as ok', [
    BACKUP_CATALOG,
  ]);
  return row!.ok;
}

/**
 * Catalog rows with what only the server knows: whether a set-aside object is still there, and
 * the size of the data. A catalog made by an older version (no `aside` column yet) reads as null.
 */
async function readRows(session: Session, where: string, params: readonly unknown[]): Promise<BackupRow[]> {
  const aside = (await missingColumns(session)).includes('aside') ? 'null::text' : 'b.aside';
  return session.query<BackupRow>(
    `select b.*, ${aside} as aside,
            case when b.status <> 'ready' or ${aside} is null then true
                 when b.kind = 'table' then to_regclass(format('%I.%I', b.backup_schema, ${aside})) is not null
                 else exists (select 1 from pg_attribute
                               where attrelid = to_regclass(format('%I.%I', b.source_schema, b.source_table))
                                 and attname = ${aside} and not attisdropped) end as present,
            case when b.kind = 'table' then to_regclass(format('%I.%I', b.source_schema, b.source_table)) is not null
                 else exists (select 1 from pg_attribute
                               where attrelid = to_regclass(format('%I.%I', b.source_schema, b.source_table))
                                 and attname = b.source_column and not attisdropped) end as back,
            case when b.kind = 'table' or ${aside} is null
                 then pg_total_relation_size(to_regclass(format('%I.%I', b.backup_schema, b.backup_table))) end as bytes
       from ${BACKUP_CATALOG} b where ${where} order by b.id`,
    params,
  );
}

export async function selectBackups(session: Session, filter: BackupFilter = {}): Promise<BackupRecord[]> {
  if (!(await catalogExists(session))) return [];
  const rows = await readRows(
    session,
    `($1::text is null or source_table = $1) and ($2::text is null or source_column = $2)
        and ($3::text is null or migration = $3)`,
    [filter.table ?? null, filter.column ?? null, filter.migration ?? null],
  );
  const records = rows.map(toRecord);
  return filter.includeHistory
    ? records
    : records.filter((b) => b.status === 'copying' || b.status === 'ready');
}

export async function backupById(session: Session, id: number): Promise<BackupRecord> {
  const rows = (await catalogExists(session)) ? await readRows(session, 'b.id = $1', [id]) : [];
  if (!rows[0]) {
    throw new BallastError(`backup ${id} does not exist`, {
      where: `${BACKUP_CATALOG}.id = ${id}`,
      hint: 'list the backups with listBackups(db)',
    });
  }
  return toRecord(rows[0]);
}
