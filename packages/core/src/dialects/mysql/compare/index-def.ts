import type { Session } from '../../../db.js';
import type { IndexExpectation, KeyExpectation } from '../../../expect.js';
import type { Conflict } from '../../postgres/compare/types.js';
import { quoteIdent } from '../../quote.js';
import { displayName } from '../../table-ref.js';
import { sameNames } from './read.js';

interface IndexPart {
  readonly column: string;
  /** Prefix length (`name(10)`), null for the whole column. */
  readonly subPart: number | null;
  readonly unique: boolean;
  readonly type: string;
  /** `A`, `D` (MySQL 8 descending keys), or null. */
  readonly collation: string | null;
}

const describe = (parts: readonly IndexPart[]) =>
  `${parts[0]?.unique ? 'UNIQUE ' : ''}${parts[0]?.type ?? 'BTREE'} (${parts
    .map(
      (p) =>
        `${quoteIdent('mysql', p.column)}${p.subPart === null ? '' : `(${p.subPart})`}${p.collation === 'D' ? ' DESC' : ''}`,
    )
    .join(', ')})`;

/** The index of that name on that table, one row per key part in order (none when absent). */
async function readIndex(session: Session, e: IndexExpectation | KeyExpectation): Promise<IndexPart[]> {
  const rows = await session.query<{
    c: string;
    s: number | null;
    nu: number | string;
    t: string;
    o: string | null;
  }>(
    `select COLUMN_NAME as c, SUB_PART as s, NON_UNIQUE as nu, INDEX_TYPE as t, COLLATION as o
       from information_schema.STATISTICS
      where TABLE_SCHEMA = coalesce(?, database()) and TABLE_NAME = ? and INDEX_NAME = ?
      order by SEQ_IN_INDEX`,
    [e.schema ?? null, e.table, e.name],
  );
  return rows.map((r) => ({
    column: r.c,
    subPart: r.s === null ? null : Number(r.s),
    unique: Number(r.nu) === 0,
    type: r.t,
    collation: r.o,
  }));
}

/**
 * Equal when the index of that name (names are per table on MySQL) has the requested columns in
 * order, whole (no prefix length), ascending, as a B-tree, and the requested uniqueness. A
 * UNIQUE constraint is a unique index there, so `unique` expectations are read the same way.
 */
export async function compareMysqlIndex(
  session: Session,
  e: IndexExpectation | KeyExpectation,
): Promise<Conflict | undefined> {
  const existing = await readIndex(session, e);
  if (existing.length === 0) return undefined;
  const unique = e.kind === 'index' ? e.unique : true;
  const requested: IndexPart[] = e.columns.map((column) => ({
    column,
    subPart: null,
    unique,
    type: 'BTREE',
    collation: 'A',
  }));
  const equal =
    sameNames(
      existing.map((p) => p.column),
      e.columns,
    ) &&
    existing.every((p) => p.subPart === null && p.collation !== 'D' && p.unique === unique) &&
    existing[0]!.type === 'BTREE';
  if (equal) return undefined;
  return {
    object: `index ${e.name} on ${displayName(e)}`,
    existing: describe(existing),
    requested: describe(requested),
    hint: `give the index another name, or drop the existing ${e.name} first if it is not needed (dropIndexConcurrently with its table)`,
  };
}
