import type { Session } from '../../db.js';
import { quoteIdent, quoteQualified } from '../../dialects/quote.js';
import { ColumnNotFoundError, TableNotFoundError } from '../../errors.js';

/** What the PostgreSQL source needs to know about the table, read from the catalog once. */
export interface TableInfo {
  /** Quoted `"schema"."table"`. */
  readonly sql: string;
  /** `schema.table`, for people. */
  readonly label: string;
  readonly oid: number;
  /** Column name → type as `format_type` writes it (usable in a cast). */
  readonly columnTypes: ReadonlyMap<string, string>;
  /** Columns of the primary key, else of a unique index over NOT NULL columns; empty if none. */
  readonly key: readonly { readonly name: string; readonly type: string }[];
}

export async function readTableInfo(
  session: Session,
  table: { schema?: string; name: string },
  keyOverride?: readonly string[],
): Promise<TableInfo> {
  const sql = quoteQualified('postgres', table);
  const [rel] = await session.query<{ oid: number; label: string }>(
    `select c.oid::int as oid, n.nspname || '.' || c.relname as label
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.oid = to_regclass($1) and c.relkind in ('r', 'p')`,
    [sql],
  );
  if (!rel) {
    throw new TableNotFoundError(
      `backfill target table ${table.schema ? `${table.schema}.` : ''}${table.name} does not exist`,
      {
        where: table.name,
        hint: 'check the table name and schema (search_path) of the backfill spec',
      },
    );
  }
  const columns = await session.query<{ name: string; type: string; notnull: boolean }>(
    `select attname as name, format_type(atttypid, atttypmod) as type, attnotnull as notnull
       from pg_attribute where attrelid = $1 and attnum > 0 and not attisdropped order by attnum`,
    [rel.oid],
  );
  const columnTypes = new Map(columns.map((c) => [c.name, c.type]));
  const key = keyOverride
    ? keyOverride.map((name) => ({ name, type: requireColumn(columnTypes, name, rel.label) }))
    : await discoverKey(session, rel.oid, columnTypes);
  return { sql, label: rel.label, oid: rel.oid, columnTypes, key };
}

export function requireColumn(columnTypes: ReadonlyMap<string, string>, name: string, label: string): string {
  const type = columnTypes.get(name);
  if (type === undefined) {
    throw new ColumnNotFoundError(`backfill: column ${label}.${name} does not exist`, {
      where: `${label}.${name}`,
      hint: `name one of its columns: ${[...columnTypes.keys()].join(', ')}`,
    });
  }
  return type;
}

/**
 * The primary key (pg_index.indisprimary), else the narrowest valid, non-partial unique index
 * whose columns are all NOT NULL (so keyset order is total). Expression indexes do not qualify.
 */
async function discoverKey(
  session: Session,
  oid: number,
  columnTypes: ReadonlyMap<string, string>,
): Promise<TableInfo['key']> {
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

/** `"a", "b"` */
export const columnList = (names: readonly string[], prefix = '') =>
  names.map((n) => `${prefix}${quoteIdent('postgres', n)}`).join(', ');
