import type { Session } from '../../../db.js';
import type { ForeignKeyExpectation } from '../../../expect.js';
import type { Conflict } from '../../postgres/compare/types.js';
import { quoteIdent, quoteTable } from '../../quote.js';
import { displayName } from '../../table-ref.js';
import { currentDatabase, sameNames } from './read.js';

interface KeyRow {
  readonly table: string;
  readonly kind: string;
  readonly refTable: string | null;
  readonly onDelete: string | null;
  readonly onUpdate: string | null;
  readonly sameSchema: number | null;
}

const READ = `select k.TABLE_NAME as \`table\`, k.CONSTRAINT_TYPE as kind, r.REFERENCED_TABLE_NAME as refTable,
    r.DELETE_RULE as onDelete, r.UPDATE_RULE as onUpdate, r.UNIQUE_CONSTRAINT_SCHEMA = ? as sameSchema
  from information_schema.TABLE_CONSTRAINTS k
  left join information_schema.REFERENTIAL_CONSTRAINTS r
    on r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA and r.TABLE_NAME = k.TABLE_NAME
   and r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
 where k.CONSTRAINT_SCHEMA = ? and k.CONSTRAINT_NAME = ? and (k.TABLE_NAME = ? or k.CONSTRAINT_TYPE = 'FOREIGN KEY')
 order by k.TABLE_NAME = ? desc, k.CONSTRAINT_TYPE = 'FOREIGN KEY' desc`;

interface KeyColumns {
  readonly columns: readonly string[];
  readonly refColumns: readonly string[];
}

/** The key's columns and the columns they reference, in order. */
const COLUMNS = `select COLUMN_NAME as c, REFERENCED_COLUMN_NAME as r from information_schema.KEY_COLUMN_USAGE
  where CONSTRAINT_SCHEMA = ? and TABLE_NAME = ? and CONSTRAINT_NAME = ? order by ORDINAL_POSITION`;

const cols = (names: readonly string[]) => names.map((n) => quoteIdent('mysql', n)).join(', ');
/** InnoDB treats NO ACTION as RESTRICT (checked at once) and reports an omitted action as RESTRICT. */
const action = (rule: string) => (rule.toLowerCase() === 'no action' ? 'restrict' : rule.toLowerCase());

function describe(r: KeyRow, keys: KeyColumns, e: ForeignKeyExpectation): string {
  if (r.kind !== 'FOREIGN KEY' || r.table.toLowerCase() !== e.table.toLowerCase())
    return `${r.kind === 'FOREIGN KEY' ? 'a foreign key' : `a ${r.kind} constraint`} of ${r.table}`;
  return (
    `FOREIGN KEY (${cols(keys.columns)}) REFERENCES ${quoteTable('mysql', { table: r.refTable ?? '?' })} ` +
    `(${cols(keys.refColumns)}) ON DELETE ${r.onDelete} ON UPDATE ${r.onUpdate}`
  );
}

/**
 * Equal when the constraint of that name (foreign key names are per database on MySQL) is a
 * foreign key of this table with the requested columns, referenced table and columns, and
 * ON DELETE / ON UPDATE actions.
 */
export async function compareMysqlForeignKey(
  session: Session,
  e: ForeignKeyExpectation,
): Promise<Conflict | undefined> {
  const schema = e.schema ?? (await currentDatabase(session));
  // An unqualified referenced table is looked up in the referencing table's database.
  const refSchema = e.references.schema ?? schema;
  const [row] = await session.query<KeyRow>(READ, [refSchema, schema, e.name, e.table, e.table]);
  if (!row) return undefined;
  const rows = await session.query<{ c: string; r: string | null }>(COLUMNS, [schema, row.table, e.name]);
  const keys = { columns: rows.map((k) => k.c), refColumns: rows.map((k) => k.r ?? '?') };
  const equal =
    row.kind === 'FOREIGN KEY' &&
    row.table.toLowerCase() === e.table.toLowerCase() &&
    Number(row.sameSchema) === 1 &&
    row.refTable?.toLowerCase() === e.references.table.toLowerCase() &&
    sameNames(keys.columns, e.columns) &&
    sameNames(keys.refColumns, e.references.columns) &&
    action(row.onDelete ?? '') === action(e.onDelete) &&
    action(row.onUpdate ?? '') === action(e.onUpdate);
  if (equal) return undefined;
  const actions = `ON DELETE ${e.onDelete.toUpperCase()} ON UPDATE ${e.onUpdate.toUpperCase()}`;
  return {
    object: `constraint ${e.name} on ${displayName(e)}`,
    existing: describe(row, keys, e),
    requested: `FOREIGN KEY (${cols(e.columns)}) REFERENCES ${quoteTable('mysql', e.references)} (${cols(e.references.columns)}) ${actions}`,
    hint: `give the foreign key another name (names are per database on MySQL/MariaDB), or drop the existing ${e.name} first if it is not needed`,
  };
}
