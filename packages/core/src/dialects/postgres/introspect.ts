import type { Session } from '../../db.js';
import { ColumnNotFoundError, TableNotFoundError, UnsafeOperationError } from '../../errors.js';
import { qtable, requireIdentifierLength } from '../quote.js';
import { displayName, requireTableColumn, type TableRef } from '../table-ref.js';
import { withPinnedSettings } from './session.js';

/**
 * The one PostgreSQL catalog reader (backfill, backup, expand/contract, done-probe comparisons).
 * A table is resolved once, by `to_regclass($1)` on its quoted name: the search_path applies to an
 * unqualified name exactly as it does for the DDL, a hostile name is only ever data, and only
 * tables (plain or partitioned) count. Names over 63 bytes are refused before any lookup, since
 * PostgreSQL would cut them and find another object.
 */
export interface ColumnInfo {
  readonly name: string;
  /** `format_type`, e.g. `integer`, `character varying(20)`, `numeric(10,2)`. */
  readonly type: string;
  /** The default as SQL (`pg_get_expr`), or null. */
  readonly default: string | null;
  readonly notNull: boolean;
  /** Identity or generated columns cannot be copied with a plain ADD COLUMN. */
  readonly identity: boolean;
  readonly generated: boolean;
}

export interface KeyColumn {
  readonly name: string;
  readonly type: string;
}

/** A table read from the catalog once, for a job that keeps working on it (a backfill). */
export interface TableInfo {
  /** Quoted `"schema"."table"` as given (search_path resolves a missing schema). */
  readonly sql: string;
  /** `schema.table` as resolved, for people. */
  readonly label: string;
  readonly oid: number;
  /** Column name → type as `format_type` writes it (usable in a cast). */
  readonly columnTypes: ReadonlyMap<string, string>;
  /** Columns of the primary key, else of a unique index over NOT NULL columns; empty if none. */
  readonly key: readonly KeyColumn[];
}

/** Only plain and partitioned tables: a view, index or sequence of that name is not "the table". */
const TABLE_OID = `(select c.oid from pg_class c where c.oid = to_regclass($1) and c.relkind in ('r', 'p'))`;

/** The table's oid and the schema it lives in, or undefined when there is no such table. */
export async function findTable(
  session: Session,
  ref: TableRef,
): Promise<{ readonly oid: number; readonly schema: string; readonly label: string } | undefined> {
  const [row] = await session.query<{ oid: number; schema: string; label: string }>(
    `select c.oid::int as oid, n.nspname as schema, n.nspname || '.' || c.relname as label
       from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = ${TABLE_OID}`,
    [qtable(ref)],
  );
  return row;
}

/** The schema a table actually lives in (resolves search_path for an unqualified name). */
export async function tableSchema(session: Session, ref: TableRef): Promise<string | undefined> {
  return (await findTable(session, ref))?.schema;
}

function tableNotFound(ref: TableRef, where: string): TableNotFoundError {
  return new TableNotFoundError(`${where}: table ${displayName(ref)} does not exist`, {
    where: displayName(ref),
    hint: 'check the table name and its schema (or the search_path)',
  });
}

/**
 * Table, columns and row key in one read; throws TableNotFoundError. `key` names the columns to
 * page on (each must exist); by default the primary key, else a NOT NULL unique index (`rowKey`).
 */
export async function readTable(
  session: Session,
  ref: TableRef,
  where: string,
  key?: readonly string[],
): Promise<TableInfo> {
  const rel = await findTable(session, ref);
  if (!rel) throw tableNotFound(ref, where);
  const columns = await session.query<{ name: string; type: string }>(
    `select attname as name, format_type(atttypid, atttypmod) as type
       from pg_attribute where attrelid = $1 and attnum > 0 and not attisdropped order by attnum`,
    [rel.oid],
  );
  const columnTypes = new Map(columns.map((c) => [c.name, c.type]));
  const info = { sql: qtable(ref), label: rel.label, oid: rel.oid, columnTypes };
  const keyColumns = key
    ? key.map((name) => ({ name, type: requireTableColumn(info, name, where) }))
    : await rowKey(session, rel.oid, columnTypes);
  return { ...info, key: keyColumns };
}

export async function readColumn(
  session: Session,
  ref: TableRef,
  column: string,
): Promise<ColumnInfo | undefined> {
  // `attname = $2` casts the parameter to name, cutting it to 63 bytes: refuse first.
  requireIdentifierLength('postgres', column);
  // The default is SQL text run again later (restore, contract): read it as the runner runs it.
  const [row] = await withPinnedSettings(session, () =>
    session.query<{
      type: string;
      def: string | null;
      notnull: boolean;
      identity: string;
      generated: string;
    }>(
      `select format_type(a.atttypid, a.atttypmod) as type, pg_get_expr(d.adbin, d.adrelid) as def,
            a.attnotnull as notnull, a.attidentity as identity, a.attgenerated as generated
       from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where a.attrelid = ${TABLE_OID} and a.attname = $2 and a.attnum > 0 and not a.attisdropped`,
      [qtable(ref), column],
    ),
  );
  if (!row) return undefined;
  return {
    name: column,
    type: row.type,
    default: row.generated ? null : row.def,
    notNull: row.notnull,
    identity: row.identity !== '',
    generated: row.generated !== '',
  };
}

/** The column, or TableNotFoundError / ColumnNotFoundError saying which of the two is missing. */
export async function requireColumn(
  session: Session,
  ref: TableRef,
  column: string,
  where: string,
): Promise<ColumnInfo> {
  const info = await readColumn(session, ref, column);
  if (info) return info;
  if (!(await findTable(session, ref))) throw tableNotFound(ref, where);
  throw new ColumnNotFoundError(`${where}: column ${displayName(ref)}.${column} does not exist`, {
    where: `${displayName(ref)}.${column}`,
    hint: 'check the table and column names (and the schema / search_path)',
  });
}

/**
 * The table's primary key, refusing when `column` is part of it (backup and expand/contract drop
 * or swap a column on its own, which a key column cannot be); `hint` says what to do instead.
 */
export async function primaryKeyWithout(
  session: Session,
  ref: TableRef,
  column: string,
  where: string,
  hint: string,
): Promise<KeyColumn[]> {
  const keys = await primaryKey(session, ref);
  if (keys.some((k) => k.name === column)) {
    throw new UnsafeOperationError(`${where}: ${displayName(ref)}.${column} is part of the primary key`, {
      where: `${displayName(ref)}.${column}`,
      hint,
    });
  }
  return keys;
}

/** Primary key columns in key order; empty when the table has none. */
export async function primaryKey(session: Session, ref: TableRef): Promise<KeyColumn[]> {
  return session.query<KeyColumn>(
    `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
       from pg_index i cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
      where i.indrelid = ${TABLE_OID} and i.indisprimary
      order by k.ord`,
    [qtable(ref)],
  );
}

/**
 * A key that orders rows totally: the primary key, else the narrowest valid, non-partial unique
 * index whose columns are all NOT NULL. Expression indexes do not qualify. Empty when none.
 */
async function rowKey(
  session: Session,
  oid: number,
  columnTypes: ReadonlyMap<string, string>,
): Promise<KeyColumn[]> {
  const rows = await session.query<{ columns: string[] }>(
    `select array(select a.attname from unnest(i.indkey::int2[]) with ordinality k(attnum, pos)
                    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                   order by k.pos)::text[] as columns
       from pg_index i
      where i.indrelid = $1 and i.indisunique and i.indisvalid and i.indpred is null
        and i.indexprs is null and 0 <> all (i.indkey::int2[])
        and (i.indisprimary or not exists (
              select 1 from pg_attribute a
               where a.attrelid = i.indrelid and a.attnum = any (i.indkey::int2[]) and not a.attnotnull))
      order by i.indisprimary desc, i.indnatts, i.indexrelid
      limit 1`,
    [oid],
  );
  const names = rows[0]?.columns ?? [];
  return names.map((name) => ({ name, type: columnTypes.get(name)! }));
}

/** pg_class.reltuples when the table was analyzed, else an exact count (-1 = never analyzed). */
export async function estimateRows(session: Session, info: TableInfo): Promise<number> {
  const [row] = await session.query<{ reltuples: number; relpages: number }>(
    'select reltuples::float8 as reltuples, relpages from pg_class where oid = $1',
    [info.oid],
  );
  if (row && row.reltuples >= 0 && !(row.reltuples === 0 && row.relpages > 0))
    return Math.round(row.reltuples);
  const [count] = await session.query<{ n: string }>(`select count(*) as n from ${info.sql}`);
  return Number(count?.n ?? 0);
}
