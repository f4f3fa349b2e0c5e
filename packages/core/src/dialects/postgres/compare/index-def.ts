import type { Session } from '../../../db.js';
import type { IndexExpectation } from '../../../expect.js';
import { qi, qtable } from '../../quote.js';
import { displayName } from '../../table-ref.js';
import { rejected, SCRATCH_NAME, SCRATCH_TABLE, type Scratch } from './scratch.js';
import type { Conflict } from './types.js';

interface IndexShape {
  readonly unique: boolean;
  readonly method: string;
  /** pg_get_indexdef per column: name or expression, with non-default opclass / collation / order. */
  readonly keys: readonly string[];
  readonly pred: string | null;
}

const describe = (i: IndexShape) =>
  `${i.unique ? 'UNIQUE ' : ''}${i.method} (${i.keys.join(', ')})${i.pred === null ? '' : ` WHERE ${i.pred}`}`;

const same = (a: IndexShape, b: IndexShape) =>
  a.unique === b.unique &&
  a.method === b.method &&
  a.pred === b.pred &&
  a.keys.join('\0') === b.keys.join('\0');

const SHAPE = `select i.indisunique as unique, am.amname as method, pg_get_expr(i.indpred, i.indrelid) as pred,
    array(select pg_get_indexdef(i.indexrelid, k, false) from generate_series(1, i.indnatts) k)::text[] as keys
  from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am am on am.oid = c.relam
 where i.indexrelid = $1::regclass`; // $1: an oid or a name

const RELKINDS: Record<string, string> = {
  r: 'table',
  p: 'partitioned table',
  v: 'view',
  m: 'materialized view',
  S: 'sequence',
  f: 'foreign table',
  c: 'composite type',
};

/** The requested index built on an empty scratch copy of the table's columns (same names, types, collations). */
async function normalize(session: Session, scratch: Scratch, e: IndexExpectation): Promise<IndexShape> {
  return scratch(async () => {
    await session.query(`CREATE TEMP TABLE ${SCRATCH_NAME} (LIKE ${qtable(e)})`);
    const method = (e.method ?? 'btree').trim().toLowerCase();
    const where = e.where === undefined ? '' : ` WHERE ${e.where}`;
    await session.query(
      `CREATE ${e.unique ? 'UNIQUE ' : ''}INDEX ${SCRATCH_NAME}_idx ON ${SCRATCH_TABLE} USING ${qi(method)} (${e.columns.map(qi).join(', ')})${where}`,
    );
    const [row] = await session.query<IndexShape>(SHAPE, [`pg_temp.${SCRATCH_NAME}_idx`]);
    return row!;
  });
}

/**
 * Equal when columns (with opclass, collation, order, INCLUDE), uniqueness, method and predicate
 * match. An INVALID index of that name on this table is left to the step's `prepare`, which drops
 * and rebuilds it; a relation of that name that is not an index of this table is a conflict
 * (CREATE INDEX IF NOT EXISTS would silently skip it).
 */
export async function compareIndex(
  session: Session,
  scratch: Scratch,
  e: IndexExpectation,
): Promise<Conflict | undefined> {
  const [found] = await session.query<{
    oid: string;
    kind: string;
    onTable: boolean | null;
    owner: string | null;
    valid: boolean | null;
  }>(
    `select c.oid::text as oid, c.relkind::text as kind, i.indrelid = to_regclass($1) as "onTable",
            i.indrelid::regclass::text as owner, i.indisvalid as valid
       from pg_class c left join pg_index i on i.indexrelid = c.oid
      where c.relname = $2 and c.relnamespace = (select relnamespace from pg_class where oid = to_regclass($1))`,
    [qtable(e), e.name],
  );
  if (!found) return undefined;
  const object = `index ${e.name}`;
  const hint = `give the index another name, or drop the existing ${e.name} first if it is not needed (dropIndex)`;
  let existing: IndexShape | undefined;
  if (found.onTable === true) {
    if (found.valid === false) return undefined;
    [existing] = await session.query<IndexShape>(SHAPE, [found.oid]);
  }
  const where = existing
    ? describe(existing)
    : found.owner
      ? `an index of ${found.owner}`
      : `a ${RELKINDS[found.kind] ?? 'relation'} named ${e.name}`;
  let requested: IndexShape;
  try {
    requested = await normalize(session, scratch, e);
  } catch (error) {
    return { object, existing: where, requested: rejected(`(${e.columns.join(', ')})`, error), hint };
  }
  if (existing && same(existing, requested)) return undefined;
  return { object, existing: where, requested: `${describe(requested)} on ${displayName(e)}`, hint };
}
