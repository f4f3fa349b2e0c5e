import type { Session } from '../db.js';
import { regclassName, type TableName } from '../dialects/pg-introspect.js';

/**
 * What a column is besides its type, default and NOT NULL, read from the catalog right before
 * the drop and stored with the backup (`ballast_backups.column_definition`), so a restore puts
 * the same column back.
 */
export interface ColumnDefinition {
  /**
   * pg_attribute.attnum of the backed-up column. A dropped number is never reused, so a live
   * column with the same number at restore time is the very column that was never dropped.
   */
  readonly attnum: number;
}

/** The column's attnum, or undefined when the table has no such column. */
export async function columnAttnum(
  session: Session,
  ref: TableName,
  column: string,
): Promise<number | undefined> {
  const [row] = await session.query<{ attnum: number }>(
    `select attnum from pg_attribute
      where attrelid = to_regclass($1) and attname = $2 and attnum > 0 and not attisdropped`,
    [regclassName(ref), column],
  );
  return row?.attnum;
}

export async function readColumnDefinition(
  session: Session,
  ref: TableName,
  column: string,
): Promise<ColumnDefinition> {
  return { attnum: (await columnAttnum(session, ref, column))! };
}
