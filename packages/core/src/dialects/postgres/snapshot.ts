import type { Session } from '../../db.js';
import { quoteIdent } from '../quote.js';

/** Anything that runs a query: a core Session, a testkit SqlConnection. */
type Queryable = Pick<Session, 'query'>;

/**
 * A schema's user tables as the catalogs describe them, independent of column order and of
 * Ballast's own bookkeeping (ballast_* tables, the ballast_backup schema): what a migration history
 * must reproduce exactly each time it is applied. Used by the up/down/up tests and by
 * `ballast check` (a down that does not restore the schema fails the check).
 */
export interface SchemaSnapshot {
  readonly tables: Record<string, TableSnapshot>;
  /** Functions in the schema (e.g. sync-trigger functions left behind). */
  readonly functions: readonly string[];
}

export interface TableSnapshot {
  /** name → `type | not null | default | identity | generated | collation`. */
  readonly columns: Record<string, string>;
  /** name → pg_get_indexdef, plus ` INVALID` when not valid. */
  readonly indexes: Record<string, string>;
  /** name → pg_get_constraintdef, plus ` NOT VALID` when not validated. */
  readonly constraints: Record<string, string>;
  /** name → pg_get_triggerdef. */
  readonly triggers: Record<string, string>;
}

const userTables = `select c.oid, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname = $1 and c.relkind in ('r', 'p') and c.relname not like 'ballast\\_%' and c.relname <> 'knex_migrations'
     and c.relname <> 'knex_migrations_lock' order by c.relname`;

export async function snapshotSchema(conn: Queryable, schema = 'public'): Promise<SchemaSnapshot> {
  const tables: Record<string, TableSnapshot> = {};
  for (const t of await conn.query<{ oid: number; relname: string }>(userTables, [schema])) {
    const columns = await conn.query<{ name: string; shape: string }>(
      `select a.attname as name,
              concat_ws(' | ', format_type(a.atttypid, a.atttypmod), case when a.attnotnull then 'not null' end,
                        pg_get_expr(d.adbin, d.adrelid), nullif(a.attidentity, ''), nullif(a.attgenerated, ''),
                        (select collname from pg_collation where oid = a.attcollation and collname <> 'default')) as shape
         from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped order by a.attname`,
      [t.oid],
    );
    const indexes = await conn.query<{ name: string; def: string }>(
      `select c.relname as name, pg_get_indexdef(i.indexrelid) || case when i.indisvalid then '' else ' INVALID' end as def
         from pg_index i join pg_class c on c.oid = i.indexrelid where i.indrelid = $1 order by 1`,
      [t.oid],
    );
    const constraints = await conn.query<{ name: string; def: string }>(
      `select conname as name, pg_get_constraintdef(oid) || case when convalidated then '' else ' NOT VALID' end as def
         from pg_constraint where conrelid = $1 order by 1`,
      [t.oid],
    );
    const triggers = await conn.query<{ name: string; def: string }>(
      'select tgname as name, pg_get_triggerdef(oid) as def from pg_trigger where tgrelid = $1 and not tgisinternal order by 1',
      [t.oid],
    );
    const byName = (rows: { name: string; def?: string; shape?: string }[]) =>
      Object.fromEntries(rows.map((r) => [r.name, r.def ?? r.shape ?? '']));
    tables[t.relname] = {
      columns: byName(columns),
      indexes: byName(indexes),
      constraints: byName(constraints),
      triggers: byName(triggers),
    };
  }
  const functions = await conn.query<{ name: string }>(
    `select p.proname as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = $1 order by 1`,
    [schema],
  );
  return { tables, functions: functions.map((f) => f.name) };
}

/**
 * table → md5 of its rows, each row rendered with its columns in name order, rows sorted: equal
 * when the same rows hold the same values, whatever the column order.
 */
export async function checksumTables(
  conn: Queryable,
  snapshot: SchemaSnapshot,
  schema = 'public',
): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const [table, shape] of Object.entries(snapshot.tables)) {
    const cols = Object.keys(shape.columns).sort();
    const row = cols.map((c) => `coalesce(${quoteIdent('postgres', c)}::text, '<null>')`).join(` || '|' || `);
    const [r] = await conn.query<{ sum: string | null; n: string }>(
      `select md5(string_agg(r, E'\\n' order by r)) as sum, count(*)::text as n
         from (select ${row} as r from ${quoteIdent('postgres', schema)}.${quoteIdent('postgres', table)}) x`,
    );
    sums[table] = `${r!.n} rows ${r!.sum ?? 'empty'}`;
  }
  return sums;
}
