import type { Session } from '../../../db.js';
import type { ColumnExpectation } from '../../../expect.js';
import { rejected } from '../../postgres/compare/scratch.js';
import type { Conflict } from '../../postgres/compare/types.js';
import { quoteIdent, quoteTable } from '../../quote.js';
import { displayName } from '../../table-ref.js';
import { noSuchTable } from './read.js';

/** One row of SHOW FULL COLUMNS: the definition as the server normalised it. */
interface ShownColumn {
  readonly Type: string;
  readonly Collation: string | null;
  readonly Null: 'YES' | 'NO';
  readonly Default: string | null;
  readonly Extra: string;
}

const SCRATCH = quoteIdent('mysql', 'ballast_expect');

/** The collation only counts when the caller asked for a character set or collation. */
const asksCollation = (type: string) => /\b(character\s+set|charset|collate)\b/i.test(type);

const describe = (c: ShownColumn, collation: boolean) =>
  [
    c.Type,
    collation && c.Collation ? ` COLLATE ${c.Collation}` : '',
    c.Default === null ? '' : ` DEFAULT ${c.Default}`,
    c.Null === 'NO' ? ' NOT NULL' : '',
    c.Extra ? ` ${c.Extra}` : '',
  ].join('');

const show = async (session: Session, table: string, column: string) =>
  (await session.query<ShownColumn>(`SHOW FULL COLUMNS FROM ${table} WHERE Field = ?`, [column]))[0];

/**
 * The requested type, default and NOT NULL as the server stores them: a column of a temporary
 * table made from them (`int` becomes `int(11)`, `bool` `tinyint(1)`, a default literal its
 * stored text), read back with SHOW FULL COLUMNS exactly as the existing column is. A temporary
 * table is the session's own and commits nothing; it is dropped whatever happens.
 */
async function normalize(session: Session, e: ColumnExpectation): Promise<ShownColumn> {
  const definition = `${e.type}${e.default === null ? '' : ` DEFAULT ${e.default}`}${e.notNull ? ' NOT NULL' : ''}`;
  await session.query(`DROP TEMPORARY TABLE IF EXISTS ${SCRATCH}`);
  try {
    await session.query(`CREATE TEMPORARY TABLE ${SCRATCH} (c ${definition})`);
    return (await show(session, SCRATCH, 'c'))!;
  } finally {
    await session.query(`DROP TEMPORARY TABLE IF EXISTS ${SCRATCH}`);
  }
}

/** Equal when type (and collation, when asked), default, NULL-ness and extras are what was asked. */
export async function compareMysqlColumn(
  session: Session,
  e: ColumnExpectation,
): Promise<Conflict | undefined> {
  const existing = await show(session, quoteTable('mysql', e), e.column).catch(noSuchTable);
  if (!existing) return undefined;
  const object = `column ${displayName(e)}.${e.column}`;
  const hint =
    `give the column another name, or drop the existing ${e.column} first if its data is not needed ` +
    '(dropColumn sets it aside); if the existing column is the one you want, make the migration ask for exactly it';
  const collation = asksCollation(e.type);
  let requested: ShownColumn;
  try {
    requested = await normalize(session, e);
  } catch (error) {
    return { object, existing: describe(existing, collation), requested: rejected(e.type, error), hint };
  }
  const equal =
    existing.Type.toLowerCase() === requested.Type.toLowerCase() &&
    (!collation || existing.Collation === requested.Collation) &&
    existing.Null === requested.Null &&
    existing.Default === requested.Default &&
    existing.Extra.toLowerCase() === requested.Extra.toLowerCase();
  return equal
    ? undefined
    : { object, existing: describe(existing, collation), requested: describe(requested, collation), hint };
}
