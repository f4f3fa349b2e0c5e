import type { Session } from '../../../db.js';
import type { ColumnExpectation } from '../../../expect.js';
import { displayName } from '../../table-ref.js';
import { readColumn } from '../introspect.js';
import { rejected, SCRATCH_NAME, SCRATCH_TABLE, type Scratch } from './scratch.js';
import type { Conflict } from './types.js';

interface ColumnShape {
  readonly type: string;
  readonly default: string | null;
  readonly notNull: boolean;
}

const describe = (c: ColumnShape, extra = '') =>
  `${c.type}${c.default === null ? '' : ` DEFAULT ${c.default}`}${c.notNull ? ' NOT NULL' : ''}${extra}`;

/** A type and default as the server stores them (a scratch column made from them). */
export async function normalizeColumn(
  session: Session,
  scratch: Scratch,
  e: Pick<ColumnExpectation, 'type' | 'default' | 'notNull'>,
): Promise<ColumnShape> {
  return scratch(async () => {
    const withDefault = e.default === null ? '' : ` DEFAULT ${e.default}`;
    await session.query(`CREATE TEMP TABLE ${SCRATCH_NAME} (c ${e.type}${withDefault})`);
    const [row] = await session.query<{ type: string; def: string | null }>(
      `select format_type(a.atttypid, a.atttypmod) as type, pg_get_expr(d.adbin, d.adrelid) as def
         from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where a.attrelid = $1::regclass and a.attname = 'c'`,
      [SCRATCH_TABLE],
    );
    return { type: row!.type, default: row!.def, notNull: e.notNull };
  });
}

/**
 * Equal when type, default and NOT NULL are what was asked; a missing default or NOT NULL that a
 * later step of the plan adds (`later`) is an interrupted run, not a conflict.
 */
export async function compareColumn(
  session: Session,
  scratch: Scratch,
  e: ColumnExpectation,
): Promise<Conflict | undefined> {
  const existing = await readColumn(session, e, e.column);
  if (!existing) return undefined;
  const object = `column ${displayName(e)}.${e.column}`;
  const hint =
    `give the column another name, or drop the existing ${e.column} first if its data is not needed ` +
    '(dropColumn sets it aside); if the existing column is the one you want, make the migration ask for exactly it';
  const extra = existing.identity ? ' (identity)' : existing.generated ? ' (generated)' : '';
  let requested: ColumnShape;
  try {
    requested = await normalizeColumn(session, scratch, e);
  } catch (error) {
    return { object, existing: describe(existing, extra), requested: rejected(e.type, error), hint };
  }
  const equal =
    extra === '' &&
    existing.type === requested.type &&
    (existing.default === requested.default || (e.later?.default === true && existing.default === null)) &&
    (existing.notNull === requested.notNull || (e.later?.notNull === true && !existing.notNull));
  return equal
    ? undefined
    : { object, existing: describe(existing, extra), requested: describe(requested), hint };
}
