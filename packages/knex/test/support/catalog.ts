import { quoteIdent } from '@ballast/core/adapter';
import type { SqlConnection } from '@ballast/testkit';

/** A table as the catalogs describe it; names are looked up as bound values, never spliced. */
export interface TableShape {
  readonly columns: Record<string, { type: string; notNull: boolean; default: string | null }>;
  /** name → `c|f|u|p|n` plus ` NOT VALID` when not validated. */
  readonly constraints: Record<string, string>;
  /** name → `valid` | `INVALID`, for indexes that back no constraint. */
  readonly indexes: Record<string, string>;
}

export async function describeTable(conn: SqlConnection, table: string): Promise<TableShape> {
  const rel = quoteIdent('postgres', table);
  const cols = await conn.query<{ name: string; type: string; not_null: boolean; def: string | null }>(
    `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as not_null,
            pg_get_expr(d.adbin, d.adrelid) as def
       from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped order by a.attnum`,
    [rel],
  );
  const cons = await conn.query<{ name: string; kind: string }>(
    `select conname as name, contype::text || (case when convalidated then '' else ' NOT VALID' end) as kind
       from pg_constraint where conrelid = to_regclass($1) order by conname`,
    [rel],
  );
  const idx = await conn.query<{ name: string; valid: boolean }>(
    `select c.relname as name, i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
      where i.indrelid = to_regclass($1)
        and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid) order by 1`,
    [rel],
  );
  return {
    columns: Object.fromEntries(
      cols.map((c) => [c.name, { type: c.type, notNull: c.not_null, default: c.def }]),
    ),
    constraints: Object.fromEntries(cons.filter((c) => c.kind[0] !== 'n').map((c) => [c.name, c.kind])),
    indexes: Object.fromEntries(idx.map((i) => [i.name, i.valid ? 'valid' : 'INVALID'])),
  };
}

export async function tableExists(conn: SqlConnection, table: string): Promise<boolean> {
  const [row] = await conn.query<{ ok: boolean }>('select to_regclass($1) is not null as ok', [
    quoteIdent('postgres', table),
  ]);
  return row!.ok;
}
