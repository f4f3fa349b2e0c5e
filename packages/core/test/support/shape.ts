import type { PgFixture } from './pg.js';

/**
 * A table's definition as the catalogs print it (columns, constraints, indexes), compared before
 * and after a refused run to prove nothing changed. Names are bound values.
 */
export async function tableShape(pg: PgFixture, table: string): Promise<string[]> {
  const rows = await pg.sql<{ line: string }>(
    `select 'column ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
              || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') || case when a.attnotnull then ' not null' else '' end as line
       from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped
     union all
     select 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) from pg_constraint where conrelid = to_regclass($1)
     union all
     select 'index ' || pg_get_indexdef(indexrelid) || case when indisvalid then '' else ' INVALID' end
       from pg_index where indrelid = to_regclass($1)
     union all
     select 'trigger ' || tgname from pg_trigger where tgrelid = to_regclass($1) and not tgisinternal
     order by 1`,
    [table],
  );
  return rows.map((r) => r.line);
}
