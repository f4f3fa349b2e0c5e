import type { Session } from '../../db.js';
import { quoteQualified } from '../../dialects/quote.js';
import { TableNotFoundError, UnsafeOperationError } from '../../errors.js';

/** What a MySQL batch needs of its table: its quoted name and primary key, read once. */
export interface MysqlTableInfo {
  /** `db.table` or `table`, for messages and checkpoints. */
  readonly label: string;
  readonly sql: string;
  readonly table: { readonly name: string; readonly schema?: string | undefined };
  readonly key: readonly string[];
  /** column → COLUMN_TYPE. */
  readonly columnTypes: ReadonlyMap<string, string>;
}

export async function readMysqlTable(
  session: Session,
  table: { readonly name: string; readonly schema?: string | undefined },
): Promise<MysqlTableInfo> {
  const label = table.schema ? `${table.schema}.${table.name}` : table.name;
  const where = 'TABLE_SCHEMA = coalesce(?, database()) and TABLE_NAME = ?';
  const params = [table.schema ?? null, table.name];
  const columns = await session.query<{ c: string; t: string }>(
    `select COLUMN_NAME as c, COLUMN_TYPE as t from information_schema.COLUMNS where ${where}`,
    params,
  );
  if (columns.length === 0) {
    throw new TableNotFoundError(`backfill of ${label}: no such table`, {
      where: label,
      hint: 'check the table name (and schema, i.e. database) given to the backfill',
    });
  }
  const key = await session.query<{ c: string }>(
    `select COLUMN_NAME as c from information_schema.STATISTICS
      where ${where} and INDEX_NAME = 'PRIMARY' order by SEQ_IN_INDEX`,
    params,
  );
  if (key.length === 0) {
    // InnoDB's hidden row id cannot be paged on from SQL.
    throw new UnsafeOperationError(`backfill of ${label}: the table has no primary key`, {
      where: label,
      hint: 'add a primary key (ALGORITHM=INPLACE on InnoDB), then backfill: batches page on it',
    });
  }
  return {
    label,
    sql: quoteQualified('mysql', table.schema ? { schema: table.schema, name: table.name } : table.name),
    table,
    key: key.map((k) => k.c),
    columnTypes: new Map(columns.map((c) => [c.c, c.t])),
  };
}
