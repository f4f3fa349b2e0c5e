import type { Session } from '../db.js';
import { requireTriggerCreation } from '../dialects/mysql/trigger-privilege.js';
import { UnsafeOperationError } from '../errors.js';
import type { CopyNames } from './names.js';
import { keepsEveryValue } from './widening.js';

/** What the copy needs of the table, and the reasons it refuses one. */
export interface CopyTable {
  readonly schema: string;
  readonly name: string;
  /** Primary key columns, in key order. */
  readonly key: readonly string[];
  /** Stored (non-generated) columns, in table order. */
  readonly columns: readonly string[];
}

const IN_TABLE = 'TABLE_SCHEMA = coalesce(?, database()) and TABLE_NAME = ?';

export async function storedColumns(session: Session, schema: string | undefined, table: string) {
  const rows = await session.query<{ c: string }>(
    `select COLUMN_NAME as c from information_schema.COLUMNS
      where ${IN_TABLE} and EXTRA not like '%GENERATED%' order by ORDINAL_POSITION`,
    [schema ?? null, table],
  );
  return rows.map((r) => r.c);
}

/**
 * Refuses, before anything is created, what the trigger-and-rename approach cannot carry:
 * - no primary key: the triggers and the chunks address rows by it (InnoDB's hidden row id is
 *   not reachable from SQL);
 * - a role that may not create triggers (binary logging on, no SUPER);
 * - triggers of the application's own: they would stay on the old table after the swap;
 * - foreign keys pointing to the table: they follow the old table through the RENAME;
 * - foreign keys of the table: CREATE TABLE … LIKE does not copy them.
 */
export async function readCopyTable(
  session: Session,
  ref: { readonly schema?: string | undefined; readonly table: string },
  names: CopyNames,
  where: string,
): Promise<CopyTable> {
  const params = [ref.schema ?? null, ref.table];
  const [found] = await session.query<{ s: string }>(
    `select TABLE_SCHEMA as s from information_schema.TABLES where ${IN_TABLE}`,
    params,
  );
  if (!found) {
    throw new UnsafeOperationError(`online copy of ${where}: no such table`, {
      where,
      hint: 'check the table name (and schema, i.e. database)',
    });
  }
  const key = await session.query<{ c: string }>(
    `select COLUMN_NAME as c from information_schema.STATISTICS
      where ${IN_TABLE} and INDEX_NAME = 'PRIMARY' order by SEQ_IN_INDEX`,
    params,
  );
  if (key.length === 0) {
    throw new UnsafeOperationError(`online copy of ${where}: the table has no primary key`, {
      where,
      hint: 'add a primary key first (ALTER TABLE … ADD PRIMARY KEY, ALGORITHM=INPLACE on InnoDB): the triggers and the copy address rows by it',
    });
  }
  await requireTriggerCreation(session, `online copy of ${where}`);
  const ours = new Set(Object.values(names.triggers));
  const triggers = await session.query<{ n: string }>(
    `select TRIGGER_NAME as n from information_schema.TRIGGERS
      where EVENT_OBJECT_SCHEMA = coalesce(?, database()) and EVENT_OBJECT_TABLE = ?`,
    params,
  );
  const theirs = triggers.map((t) => t.n).filter((n) => !ours.has(n));
  if (theirs.length > 0) {
    throw new UnsafeOperationError(
      `online copy of ${where}: the table has triggers of its own (${theirs.join(', ')}), which would stay on the old table after the swap`,
      {
        where,
        hint: 'drop them before the change and recreate them after it, or run the ALTER in a maintenance window',
      },
    );
  }
  const fks = await session.query<{ t: string; n: string; dir: string }>(
    `select TABLE_NAME as t, CONSTRAINT_NAME as n, 'in' as dir from information_schema.REFERENTIAL_CONSTRAINTS
      where UNIQUE_CONSTRAINT_SCHEMA = coalesce(?, database()) and REFERENCED_TABLE_NAME = ?
     union all
     select TABLE_NAME, CONSTRAINT_NAME, 'out' from information_schema.REFERENTIAL_CONSTRAINTS
      where CONSTRAINT_SCHEMA = coalesce(?, database()) and TABLE_NAME = ?`,
    [...params, ...params],
  );
  const incoming = fks.filter((f) => f.dir === 'in');
  if (incoming.length > 0) {
    throw new UnsafeOperationError(
      `online copy of ${where}: foreign keys point to it (${incoming.map((f) => `${f.t}.${f.n}`).join(', ')}); after the swap they would reference the old table`,
      {
        where,
        hint: 'drop those foreign keys for the change and add them back after it (addForeignKey), or run the ALTER in a maintenance window',
      },
    );
  }
  if (fks.length > 0) {
    throw new UnsafeOperationError(
      `online copy of ${where}: it has foreign keys (${fks.map((f) => f.n).join(', ')}), which CREATE TABLE … LIKE does not copy to the new table`,
      {
        where,
        hint: 'drop them for the change and add them back after it (addForeignKey), or run the ALTER in a maintenance window',
      },
    );
  }
  return {
    schema: found.s,
    name: ref.table,
    key: key.map((k) => k.c),
    columns: await storedColumns(session, found.s, ref.table),
  };
}

/**
 * The shared columns whose values the copy must compare: those the shadow redefined (type,
 * character set, collation), except a widening that keeps every value by the type rules alone
 * (widening.ts). An unchanged column gets the same bytes.
 */
export async function columnsToCompare(
  session: Session,
  schema: string,
  table: string,
  shadow: string,
  columns: readonly string[],
): Promise<string[]> {
  const rows = await session.query<{
    c: string;
    t: string;
    type: string;
    cs: string | null;
    co: string | null;
  }>(
    `select COLUMN_NAME as c, TABLE_NAME as t, COLUMN_TYPE as type, CHARACTER_SET_NAME as cs,
            COLLATION_NAME as co
       from information_schema.COLUMNS where TABLE_SCHEMA = ? and TABLE_NAME in (?, ?)`,
    [schema, table, shadow],
  );
  const of = (name: string) => new Map(rows.filter((r) => r.t === name).map((r) => [r.c, r]));
  const before = of(table);
  const after = of(shadow);
  return columns.filter((c) => {
    const [a, b] = [before.get(c), after.get(c)];
    if (!a || !b) return true;
    if (a.cs !== b.cs || a.co !== b.co) return true;
    return a.type !== b.type && !keepsEveryValue(a.type, b.type);
  });
}
