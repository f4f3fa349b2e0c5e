import { readMysqlTable } from '../../backfill/mysql/catalog.js';
import type { Session } from '../../db.js';
import { quoteIdent } from '../../dialects/quote.js';
import { displayName, type ResolvedTableRef, type TableRef } from '../../dialects/table-ref.js';
import { ColumnNotFoundError, ObjectConflictError, UnsafeOperationError } from '../../errors.js';
import { type MysqlColumn, readMysqlColumn } from '../../online-copy/columns.js';
import { copyNames } from '../../online-copy/names.js';
import type { MysqlColumnIndex } from './catalog.js';

/** What a MySQL expand needs of the table, read once before planning. */
export interface MysqlColumnFacts {
  readonly schema: string;
  readonly column: MysqlColumn;
  readonly key: readonly string[];
  /** Plain B-tree indexes on the old column alone (copied to the new one). */
  readonly indexes: readonly MysqlColumnIndex[];
  /** Indexes that also name the old column but are not copied (the plan's notes name them). */
  readonly notCopied: readonly string[];
}

const IN_TABLE = 'TABLE_SCHEMA = ? and TABLE_NAME = ?';

export async function readMysqlColumnFacts(
  session: Session,
  ref: TableRef,
  columnName: string,
  where: string,
): Promise<MysqlColumnFacts> {
  const info = await readMysqlTable(session, { name: ref.table, schema: ref.schema });
  const [{ s: schema } = { s: '' }] = await session.query<{ s: string }>(
    'select coalesce(?, database()) as s',
    [ref.schema ?? null],
  );
  const column = await readMysqlColumn(session, { ...ref, schema }, columnName);
  const target = `${displayName(ref)}.${columnName}`;
  if (!column) {
    throw new ColumnNotFoundError(`${where}: no column ${target}`, {
      where: target,
      hint: 'check the table and column names (pendingContractions(db) lists columns already expanded)',
    });
  }
  const [extra] = await session.query<{ x: string }>(
    `select EXTRA as x from information_schema.COLUMNS where ${IN_TABLE} and COLUMN_NAME = ?`,
    [schema, ref.table, columnName],
  );
  const why = info.key.includes(columnName)
    ? 'it is part of the primary key (rows are addressed by it)'
    : column.autoIncrement
      ? 'it is AUTO_INCREMENT'
      : /GENERATED/i.test(extra?.x ?? '')
        ? 'it is a generated column'
        : undefined;
  if (why) {
    throw new UnsafeOperationError(`${where}: ${target} cannot be expanded: ${why}`, {
      where: target,
      hint: 'such a column cannot be kept in sync by triggers; change it with an online copy (changeColumnType without newColumn) instead',
    });
  }
  const stats = await session.query<{
    n: string;
    u: number;
    c: string;
    p: number | null;
    t: string;
    k: number;
  }>(
    `select INDEX_NAME as n, NON_UNIQUE = 0 as u, COLUMN_NAME as c, SUB_PART as p, INDEX_TYPE as t,
            count(*) over (partition by INDEX_NAME) as k
       from information_schema.STATISTICS where ${IN_TABLE} and INDEX_NAME <> 'PRIMARY'
      order by INDEX_NAME, SEQ_IN_INDEX`,
    [schema, ref.table],
  );
  const mine = stats.filter((s) => s.c === columnName);
  const fks = await session.query<{ n: string }>(
    `select CONSTRAINT_NAME as n from information_schema.KEY_COLUMN_USAGE
      where ${IN_TABLE} and COLUMN_NAME = ? and REFERENCED_TABLE_NAME is not null`,
    [schema, ref.table, columnName],
  );
  const plain = (s: (typeof stats)[number]) => Number(s.k) === 1 && s.t === 'BTREE';
  return {
    schema,
    column,
    key: info.key,
    indexes: mine
      .filter(plain)
      .map((s) => ({ name: s.n, unique: Number(s.u) === 1, prefix: s.p === null ? null : Number(s.p) })),
    notCopied: [
      ...mine.filter((s) => !plain(s)).map((s) => `index ${s.n} (${s.t}, ${s.k} columns)`),
      ...fks.map((f) => `foreign key ${f.n}`),
    ],
  };
}

/**
 * The new column must be new (the triggers and the backfill write every row of it), unless it is
 * this expansion's own, left by an interrupted run: its triggers are attached, or it holds no
 * value yet. And an online copy in progress on the table (its shadow table or triggers left by
 * an interrupted run) is refused: the copy would not carry the new column's triggers over.
 */
export async function requireMysqlExpandable(
  session: Session,
  ref: ResolvedTableRef,
  names: { readonly column: string; readonly newColumn: string; readonly insertTrigger: string },
  where: string,
): Promise<void> {
  const copy = copyNames(ref.table);
  const [busy] = await session.query<{ n: number }>(
    `select (select count(*) from information_schema.TABLES where ${IN_TABLE})
          + (select count(*) from information_schema.TRIGGERS where EVENT_OBJECT_SCHEMA = ? and TRIGGER_NAME in (?, ?, ?)) as n`,
    [ref.schema, copy.shadow, ref.schema, copy.triggers.insert, copy.triggers.update, copy.triggers.delete],
  );
  if (Number(busy?.n) > 0) {
    throw new UnsafeOperationError(
      `${where}: an online copy of ${displayName(ref)} is in progress (${copy.shadow} or its triggers exist); expand/contract and an online copy cannot run on one table at once. Nothing was changed.`,
      {
        where: displayName(ref),
        hint: `rerun the migration that started the copy so it finishes (or its reverse), then expand`,
      },
    );
  }
  const existing = await readMysqlColumn(session, ref, names.newColumn);
  if (!existing) return;
  const t = `${quoteIdent('mysql', ref.schema)}.${quoteIdent('mysql', ref.table)}`;
  const [own] = await session.query<{ synced: number; empty: number }>(
    `select exists (select 1 from information_schema.TRIGGERS where TRIGGER_SCHEMA = ? and TRIGGER_NAME = ?) as synced,
            not exists (select 1 from ${t} where ${quoteIdent('mysql', names.newColumn)} is not null) as empty`,
    [ref.schema, names.insertTrigger],
  );
  if (Number(own?.synced) === 1 || Number(own?.empty) === 1) return;
  const column = `${displayName(ref)}.${names.newColumn}`;
  throw new ObjectConflictError(
    `${where}: column ${column} already exists and holds data; the sync triggers would overwrite it with ${names.column}. Nothing was changed.`,
    `column ${column} ${existing.type}${existing.notNull ? ' NOT NULL' : ''}, with values, not made by this expand`,
    `a new column ${names.newColumn}, filled from ${names.column}`,
    {
      where: column,
      hint: `choose another name for the new column, or drop the existing ${names.newColumn} first (dropColumn keeps a backup) if its data is not needed`,
    },
  );
}
