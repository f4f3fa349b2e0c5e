import type { Session } from '../../db.js';
import type { MysqlColumn } from '../../online-copy/columns.js';
import { objectExists } from '../../run/ensure-table.js';
import {
  EXPANSIONS_TABLE,
  type ExpansionFilter,
  type ExpansionRecord,
  type ExpansionRow,
  expansionFromRow,
} from '../catalog.js';

/**
 * `ballast_expansions` on MySQL/MariaDB: the same rows as on PostgreSQL, in an InnoDB table of the
 * migrated database (beside ballast_journal and ballast_backups). `sync_function` holds the
 * UPDATE trigger's name (MySQL has no trigger functions; one trigger per event), `sync_trigger`
 * the INSERT one's. `old_definition` is the old column as MODIFY restates it (MysqlColumn JSON)
 * and `old_indexes` the indexes on it alone, so undoing a contract puts both back.
 */
// A function: ../catalog.ts imports this module, and EXPANSIONS_TABLE is not set yet when it loads.
const ddl = () => `create table if not exists ${EXPANSIONS_TABLE} (
  id bigint not null auto_increment primary key,
  kind varchar(32) not null,
  status varchar(16) not null default 'expanded',
  table_schema varchar(64) not null,
  table_name varchar(64) not null,
  old_column varchar(64) not null,
  new_column varchar(64) not null,
  old_type text not null,
  new_type text not null,
  old_default text,
  forward_sql text,
  backward_sql text,
  sync_function varchar(64) not null,
  sync_trigger varchar(64) not null,
  migration varchar(255),
  backup_id bigint,
  old_definition text not null,
  old_indexes text not null,
  created_at datetime(6) not null default current_timestamp(6),
  contracted_at datetime(6),
  key ballast_expansions_table (table_schema, table_name)) engine = InnoDB`;

export async function ensureMysqlExpansions(session: Session): Promise<void> {
  if (!(await objectExists(session, 'relation', EXPANSIONS_TABLE))) await session.query(ddl());
}

/** An index on the old column alone, as expand copied it and undoContract recreates it. */
export interface MysqlColumnIndex {
  readonly name: string;
  readonly unique: boolean;
  /** Prefix length (SUB_PART) of a text column's index, else null. */
  readonly prefix: number | null;
}

/** A MySQL expansion: the shared record plus what only MySQL needs. */
export interface MysqlExpansion extends ExpansionRecord {
  /** online-copy/columns.ts MysqlColumn, as JSON. */
  readonly oldDefinition: string;
  readonly oldIndexes: readonly MysqlColumnIndex[];
}

interface Row extends ExpansionRow {
  old_definition: string;
  old_indexes: string;
}

const toRecord = (r: Row): MysqlExpansion => ({
  ...expansionFromRow(r),
  oldDefinition: r.old_definition,
  oldIndexes: JSON.parse(r.old_indexes) as MysqlColumnIndex[],
});

/** The expansions of the current database (or `schema`), oldest first. */
export async function selectMysqlExpansions(
  session: Session,
  filter: ExpansionFilter & { readonly schema?: string | undefined } = {},
): Promise<MysqlExpansion[]> {
  if (!(await objectExists(session, 'relation', EXPANSIONS_TABLE))) return [];
  const rows = await session.query<Row>(
    `select * from ${EXPANSIONS_TABLE}
      where table_schema = coalesce(?, database()) and (? is null or table_name = ?)
        and (? is null or ? in (old_column, new_column)) and (? is null or status = ?)
      order by id`,
    [
      filter.schema ?? null,
      filter.table ?? null,
      filter.table ?? null,
      filter.column ?? null,
      filter.column ?? null,
      filter.status ?? null,
      filter.status ?? null,
    ],
  );
  return rows.map(toRecord);
}

export async function insertMysqlExpansion(
  session: Session,
  e: Omit<
    MysqlExpansion,
    'id' | 'status' | 'backupId' | 'oldObjects' | 'createdAt' | 'contractedAt' | 'oldIndexes'
  > & { readonly oldIndexes: readonly MysqlColumnIndex[] },
): Promise<void> {
  await session.query(
    `insert into ${EXPANSIONS_TABLE} (kind, table_schema, table_name, old_column, new_column, old_type, new_type,
       old_default, forward_sql, backward_sql, sync_function, sync_trigger, migration, old_definition, old_indexes)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      e.kind,
      e.schema,
      e.table,
      e.oldColumn,
      e.newColumn,
      e.oldType,
      e.newType,
      e.oldDefault,
      e.forward,
      e.backward,
      e.syncFunction,
      e.syncTrigger,
      e.migration,
      e.oldDefinition,
      JSON.stringify(e.oldIndexes),
    ],
  );
}

/** contract: `contracted` with its backup; undoContract: `expanded` again. */
export async function setMysqlExpansionStatus(
  session: Session,
  id: number,
  status: 'expanded' | 'contracted',
  backupId: number | null,
): Promise<void> {
  await session.query(
    `update ${EXPANSIONS_TABLE} set status = ?, backup_id = ?,
            contracted_at = if(? = 'contracted', current_timestamp(6), null) where id = ?`,
    [status, backupId, status, id],
  );
}

export async function deleteMysqlExpansion(session: Session, id: number): Promise<void> {
  await session.query(`delete from ${EXPANSIONS_TABLE} where id = ? and status = 'expanded'`, [id]);
}

/** A column's default as SQL, or null for none (MariaDB reports a nullable column's as `NULL`). */
export const columnDefault = (c: Pick<MysqlColumn, 'defaultSql'>): string | null =>
  c.defaultSql === null || c.defaultSql === 'NULL' ? null : c.defaultSql;
