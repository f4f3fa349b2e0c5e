import type { Dialect } from '../db.js';
import { ColumnNotFoundError } from '../errors.js';
import { requireIdentifierLength } from './quote.js';
/**
 * The one table reference: planners, backfill, backup, expand/contract, the runner and the adapters
 * all name a table this way. `table` is the name as written (never split on dots); without
 * `schema` the server's search_path decides, exactly as for the DDL that uses the reference.
 * Rendered into SQL by `quoteTable` (dialects/quote.ts), for people by `displayName`.
 */
export interface TableRef {
  readonly table: string;
  readonly schema?: string | undefined;
}

/**
 * A reference from what a user passes: a bare name (kept whole, dots and all) or `{ table, schema }`,
 * with `defaultSchema` (e.g. the Knex `schema` option) standing in for a missing schema. Only
 * `table` and `schema` are kept, so an input object's other fields never travel with it.
 */
export function tableRef(given: string | TableRef, defaultSchema?: string): TableRef {
  const { table, schema } = typeof given === 'string' ? { table: given, schema: undefined } : given;
  const s = schema ?? defaultSchema;
  return s === undefined ? { table } : { table, schema: s };
}

/** `schema.table` or `table`, unquoted, for step ids and messages people read. */
export const displayName = (ref: TableRef): string => (ref.schema ? `${ref.schema}.${ref.table}` : ref.table);

/** A reference whose schema is known (read from the catalog: search_path already resolved). */
export type ResolvedTableRef = TableRef & { readonly schema: string };

/**
 * The type of `name` among a table's columns (read from the catalog of any dialect);
 * ColumnNotFoundError listing the columns, after the dialect's name-length check.
 */
export function requireTableColumn(
  info: { readonly label: string; readonly columnTypes: ReadonlyMap<string, string> },
  name: string,
  where: string,
  dialect: Dialect = 'postgres',
): string {
  requireIdentifierLength(dialect, name);
  const type = info.columnTypes.get(name);
  if (type !== undefined) return type;
  throw new ColumnNotFoundError(`${where}: column ${info.label}.${name} does not exist`, {
    where: `${info.label}.${name}`,
    hint: `name one of its columns: ${[...info.columnTypes.keys()].join(', ')}`,
  });
}
