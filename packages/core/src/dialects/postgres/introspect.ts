import type { Session } from '../../db.js';
import { ColumnNotFoundError, UnsafeOperationError } from '../../errors.js';
import { quoteQualified, requireIdentifierLength } from '../quote.js';
import { withPinnedSettings } from './session.js';

/**
 * What the backup store and expand/contract need to know about a live column: its type as SQL
 * text, its default expression, NOT NULL, and the table's primary key. Names are bound
 * parameters (`to_regclass($1)` gets the quoted name), never SQL text.
 */
export interface TableName {
  readonly table: string;
  readonly schema?: string | undefined;
}

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

export const regclassName = (ref: TableName): string =>
  quoteQualified('postgres', ref.schema ? { schema: ref.schema, name: ref.table } : { name: ref.table });

export const displayTable = (ref: TableName): string =>
  ref.schema ? `${ref.schema}.${ref.table}` : ref.table;

/** The schema a table actually lives in (resolves search_path for an unqualified name). */
export async function tableSchema(session: Session, ref: TableName): Promise<string | undefined> {
  const [row] = await session.query<{ schema: string }>(
    `select n.nspname as schema from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.oid = to_regclass($1)`,
    [regclassName(ref)],
  );
  return row?.schema;
}

export async function readColumn(
  session: Session,
  ref: TableName,
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
      where a.attrelid = to_regclass($1) and a.attname = $2 and a.attnum > 0 and not a.attisdropped`,
      [regclassName(ref), column],
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

export async function requireColumn(
  session: Session,
  ref: TableName,
  column: string,
  where: string,
): Promise<ColumnInfo> {
  const info = await readColumn(session, ref, column);
  if (info) return info;
  throw new ColumnNotFoundError(`${where}: column ${displayTable(ref)}.${column} does not exist`, {
    where: `${displayTable(ref)}.${column}`,
    hint: 'check the table and column names (and the schema / search_path)',
  });
}

/**
 * The table's primary key, refusing when `column` is part of it (backup and expand/contract drop
 * or swap a column on its own, which a key column cannot be); `hint` says what to do instead.
 */
export async function primaryKeyWithout(
  session: Session,
  ref: TableName,
  column: string,
  where: string,
  hint: string,
): Promise<KeyColumn[]> {
  const keys = await primaryKey(session, ref);
  if (keys.some((k) => k.name === column)) {
    throw new UnsafeOperationError(`${where}: ${displayTable(ref)}.${column} is part of the primary key`, {
      where: `${displayTable(ref)}.${column}`,
      hint,
    });
  }
  return keys;
}

/** Primary key columns in key order; empty when the table has none. */
export async function primaryKey(session: Session, ref: TableName): Promise<KeyColumn[]> {
  return session.query<KeyColumn>(
    `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
       from pg_index i cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
      where i.indrelid = to_regclass($1) and i.indisprimary
      order by k.ord`,
    [regclassName(ref)],
  );
}
