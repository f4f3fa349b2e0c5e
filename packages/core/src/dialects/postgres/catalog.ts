import { qtable } from '../quote.js';
import type { TableRef } from '../table-ref.js';

/**
 * Catalog probes for PostgreSQL, used as `step.done` checks (is the effect already in place?).
 * Each returns one boolean. Names reach the server as bound parameters: the relation is passed
 * quoted to `to_regclass($1)`, so it resolves exactly as the DDL's own (quoted) name does,
 * search_path included, and a hostile name is only ever data.
 */
export interface CatalogProbe {
  readonly sql: string;
  readonly params: readonly unknown[];
}

const probe = (sql: string, ...params: unknown[]): CatalogProbe => ({ sql, params });

export const tableExists = (ref: TableRef) =>
  probe('select to_regclass($1) is not null as done', qtable(ref));

export const columnExists = (ref: TableRef, column: string) =>
  probe(
    `select exists (select 1 from pg_attribute
       where attrelid = to_regclass($1) and attname = $2 and attnum > 0 and not attisdropped) as done`,
    qtable(ref),
    column,
  );

export const columnMissing = (ref: TableRef, column: string) =>
  probe(
    `select not exists (select 1 from pg_attribute
       where attrelid = to_regclass($1) and attname = $2 and attnum > 0 and not attisdropped) as done`,
    qtable(ref),
    column,
  );

/** The column has some default (add-column just created it, so it is the one we set). */
export const columnHasDefault = (ref: TableRef, column: string) =>
  probe(
    `select exists (select 1 from pg_attribute a join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
       where a.attrelid = to_regclass($1) and a.attname = $2 and not a.attisdropped) as done`,
    qtable(ref),
    column,
  );

/**
 * The column is NOT NULL and validated. On PG 18 a `NOT NULL ... NOT VALID` constraint already
 * sets attnotnull, so an unvalidated not-null constraint (contype 'n') must not count.
 */
export const columnNotNull = (ref: TableRef, column: string) =>
  probe(
    `select exists (select 1 from pg_attribute a
       where a.attrelid = to_regclass($1) and a.attname = $2 and not a.attisdropped and a.attnotnull
         and not exists (select 1 from pg_constraint k where k.conrelid = a.attrelid and k.contype = 'n'
                           and k.conkey = array[a.attnum] and not k.convalidated)) as done`,
    qtable(ref),
    column,
  );

/** Column nullable, or gone (nothing left to relax). */
export const columnNullable = (ref: TableRef, column: string) =>
  probe(
    `select not exists (select 1 from pg_attribute
       where attrelid = to_regclass($1) and attname = $2 and attnum > 0 and not attisdropped and attnotnull) as done`,
    qtable(ref),
    column,
  );

export const constraintExists = (ref: TableRef, name: string, options: { validated?: boolean } = {}) =>
  probe(
    `select exists (select 1 from pg_constraint
       where conrelid = to_regclass($1) and conname = $2${options.validated ? ' and convalidated' : ''}) as done`,
    qtable(ref),
    name,
  );

export const constraintMissing = (ref: TableRef, name: string) =>
  probe(
    'select not exists (select 1 from pg_constraint where conrelid = to_regclass($1) and conname = $2) as done',
    qtable(ref),
    name,
  );

/** An index of this name on this table, in the given validity state. */
export const indexOnTable = (ref: TableRef, name: string, state: 'valid' | 'invalid') =>
  probe(
    `select exists (select 1 from pg_index i join pg_class c on c.oid = i.indexrelid
       where i.indrelid = to_regclass($1) and c.relname = $2 and ${state === 'valid' ? '' : 'not '}i.indisvalid) as done`,
    qtable(ref),
    name,
  );

/**
 * A valid, non-partial btree index whose first key columns are exactly `columns` (in any order,
 * same collation as the column): it serves equality lookups on them, e.g. the referencing side of
 * a foreign key, as well as a new index on just those columns would. `keyColumns` is
 * `indnkeyatts` where INCLUDE columns exist (PG >= 11), else `indnatts`.
 */
export const indexLeadingWith = (
  ref: TableRef,
  columns: readonly string[],
  keyColumns: 'indnkeyatts' | 'indnatts',
) =>
  probe(
    `select exists (select 1 from pg_index i
       join pg_class ic on ic.oid = i.indexrelid
       join pg_am am on am.oid = ic.relam
       where i.indrelid = to_regclass($1) and i.indisvalid and i.indpred is null and am.amname = 'btree'
         and i.${keyColumns} >= cardinality($2::text[])
         and (select count(distinct a.attname) from generate_series(0, cardinality($2::text[]) - 1) k
                join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[k]
                  and a.attcollation = i.indcollation[k]
               where a.attname = any($2::text[])) = cardinality($2::text[])) as done`,
    qtable(ref),
    [...columns],
  );

/** The relation (table, or index passed as `table`) resolves to nothing: dropped or never there. */
export const relationMissing = (ref: TableRef) =>
  probe('select to_regclass($1) is null as done', qtable(ref));

/** Either probe true. Params of `b` are renumbered after those of `a`. */
export function anyOf(a: CatalogProbe, b: CatalogProbe): CatalogProbe {
  const shift = a.params.length;
  const bSql = b.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + shift}`);
  const inner = (sql: string) => sql.replace(/ as done\s*$/, '');
  return probe(
    `select (${inner(a.sql).replace(/^select /, '')}) or (${inner(bSql).replace(/^select /, '')}) as done`,
    ...a.params,
    ...b.params,
  );
}

/** pg_constraint.confdeltype / confupdtype codes, as the words ON DELETE / ON UPDATE take. */
export const FK_ACTIONS: Readonly<Record<string, string>> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};
