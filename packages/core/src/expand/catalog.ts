import type { Database, Session } from '../db.js';
import { requireDatabaseDialect } from '../dialects/server.js';
import { displayName, type TableRef } from '../dialects/table-ref.js';
import { BallastError } from '../errors.js';
import { ensureTable } from '../run/ensure-table.js';
import type { OriginalObjects } from './facts.js';
import { selectMysqlExpansions } from './mysql/catalog.js';

/**
 * `ballast_expansions`: one row per expand/contract change. `expanded` rows are the ones still
 * awaiting their contract (old and new columns both live, kept in sync by a trigger).
 */
export const EXPANSIONS_TABLE = 'ballast_expansions';

export const DDL = `create table if not exists ${EXPANSIONS_TABLE} (
  id bigserial primary key,
  kind text not null check (kind in ('rename-column', 'change-column-type')),
  status text not null default 'expanded' check (status in ('expanded', 'contracted')),
  table_schema text not null,
  table_name text not null,
  old_column text not null,
  new_column text not null,
  old_type text not null,
  new_type text not null,
  old_default text,
  forward_sql text,
  backward_sql text,
  sync_function text not null,
  sync_trigger text not null,
  migration text,
  backup_id bigint,
  old_objects jsonb,
  created_at timestamptz not null default now(),
  contracted_at timestamptz);
alter table ${EXPANSIONS_TABLE} add column if not exists old_objects jsonb`;
export const UNIQUE = `create unique index if not exists ballast_expansions_open_key
  on ${EXPANSIONS_TABLE} (table_schema, table_name, old_column) where status = 'expanded'`;

export async function ensureExpansionsTable(db: Database): Promise<void> {
  // old_objects came in a later version: an older table gains it (the DDL runs only when missing).
  await ensureTable(db, EXPANSIONS_TABLE, DDL, ['old_objects']);
  await ensureTable(db, 'ballast_expansions_open_key', UNIQUE);
}

export type ExpansionKind = 'rename-column' | 'change-column-type';

export interface ExpansionRecord {
  readonly id: number;
  readonly kind: ExpansionKind;
  readonly status: 'expanded' | 'contracted';
  readonly schema: string;
  readonly table: string;
  readonly oldColumn: string;
  readonly newColumn: string;
  readonly oldType: string;
  readonly newType: string;
  /** The old column's default, moved to the new column at contract. */
  readonly oldDefault: string | null;
  /** The trigger's conversions (SQL over the old / new column name); null: same value. */
  readonly forward: string | null;
  readonly backward: string | null;
  readonly syncFunction: string;
  readonly syncTrigger: string;
  readonly migration: string | null;
  readonly backupId: number | null;
  /** The old column's indexes and foreign keys under their own names, so undoing a contract restores them exactly (null on rows from older versions). */
  readonly oldObjects: OriginalObjects | null;
  readonly createdAt: Date;
  readonly contractedAt: Date | null;
}

/** A `ballast_expansions` row as both servers return it (ids as string or number by driver). */
export interface ExpansionRow {
  id: string | number;
  kind: ExpansionKind;
  status: 'expanded' | 'contracted';
  table_schema: string;
  table_name: string;
  old_column: string;
  new_column: string;
  old_type: string;
  new_type: string;
  old_default: string | null;
  forward_sql: string | null;
  backward_sql: string | null;
  sync_function: string;
  sync_trigger: string;
  migration: string | null;
  backup_id: string | number | null;
  old_objects?: OriginalObjects | null;
  created_at: Date;
  contracted_at: Date | null;
}

/** The one row → record mapping; MySQL's catalog adds its own columns to it. */
export const expansionFromRow = (r: ExpansionRow): ExpansionRecord => ({
  id: Number(r.id),
  kind: r.kind,
  status: r.status,
  schema: r.table_schema,
  table: r.table_name,
  oldColumn: r.old_column,
  newColumn: r.new_column,
  oldType: r.old_type,
  newType: r.new_type,
  oldDefault: r.old_default,
  forward: r.forward_sql,
  backward: r.backward_sql,
  syncFunction: r.sync_function,
  syncTrigger: r.sync_trigger,
  migration: r.migration,
  backupId: r.backup_id === null ? null : Number(r.backup_id),
  oldObjects: r.old_objects ?? null,
  createdAt: r.created_at,
  contractedAt: r.contracted_at,
});

async function tableExists(session: Session): Promise<boolean> {
  const [row] = await session.query<{ ok: boolean }>('select to_regclass($1) is not null as ok', [
    EXPANSIONS_TABLE,
  ]);
  return row!.ok;
}

export interface ExpansionFilter {
  readonly table?: string;
  /** Matches the old or the new column. */
  readonly column?: string;
  readonly status?: 'expanded' | 'contracted';
}

export async function selectExpansions(
  session: Session,
  filter: ExpansionFilter = {},
): Promise<ExpansionRecord[]> {
  if (!(await tableExists(session))) return [];
  const rows = await session.query<ExpansionRow>(
    `select * from ${EXPANSIONS_TABLE}
      where ($1::text is null or table_name = $1) and ($2::text is null or $2 in (old_column, new_column))
        and ($3::text is null or status = $3)
      order by id`,
    [filter.table ?? null, filter.column ?? null, filter.status ?? null],
  );
  return rows.map(expansionFromRow);
}

/** Expansions still awaiting their contract (e.g. for a pre-deploy check). */
export async function pendingContractions(
  db: Database,
  filter: Omit<ExpansionFilter, 'status'> = {},
): Promise<ExpansionRecord[]> {
  if (db.dialect === 'mysql') {
    // The same record shape on both servers (MySQL's own fields are for its undo only).
    const rows = await db.withSession((s) => selectMysqlExpansions(s, { ...filter, status: 'expanded' }));
    return rows.map(({ oldDefinition: _d, oldIndexes: _i, ...e }) => e);
  }
  requireDatabaseDialect(db, 'postgres', 'pendingContractions');
  return db.withSession((s) => selectExpansions(s, { ...filter, status: 'expanded' }));
}

/** The latest expansion of `column` (old or new name) in `status`; throws when there is none. */
export async function findExpansion(
  db: Database,
  ref: TableRef,
  column: string,
  status: 'expanded' | 'contracted',
) {
  const found = await db.withSession((s) => selectExpansions(s, { table: ref.table, column, status }));
  const match = found.filter((e) => ref.schema === undefined || e.schema === ref.schema);
  const expansion = match[match.length - 1];
  if (!expansion) {
    throw new BallastError(`no ${status} expansion of ${displayName(ref)}.${column}`, {
      where: `${displayName(ref)}.${column}`,
      hint: 'pendingContractions(db) lists the expansions awaiting contract; pass the old or the new column name',
    });
  }
  return expansion;
}
