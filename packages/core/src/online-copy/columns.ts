import { readMysqlTable } from '../backfill/mysql/catalog.js';
import type { BackupRecord } from '../backup/index.js';
import { selectMysqlBackups } from '../backup/mysql-catalog.js';
import type { Database, Session } from '../db.js';
import { onlineAlgorithm, onlineClauses } from '../dialects/mysql/capabilities.js';
import { readMysqlServerInfo } from '../dialects/mysql/server.js';
import { quoteIdent, quoteLiteral } from '../dialects/quote.js';
import { displayName, type TableRef } from '../dialects/table-ref.js';
import {
  BallastError,
  ColumnNotFoundError,
  UnsafeOperationError,
  UnsupportedServerError,
} from '../errors.js';
import type { ChangeColumnTypeRequest } from '../ops/change-column-type.js';
import { planRenameColumnMysql } from '../ops/mysql/rename-column.js';
import { relationsOf, sqlStep } from '../ops/shared.js';
import { freezePlan } from '../plan.js';
import type { RunOptions, RunReport } from '../run/options.js';
import { runPlan } from '../run/run-plan.js';
import { type OnlineCopyOptions, type OnlineCopyReport, onlineCopy } from './index.js';

/** A column as `MODIFY` needs to restate it: type, NULL-ness, default, extra, comment. */
export interface MysqlColumn {
  readonly type: string;
  readonly notNull: boolean;
  /** The DEFAULT clause's SQL, or null for none. */
  readonly defaultSql: string | null;
  readonly autoIncrement: boolean;
  readonly comment: string;
}

export async function readMysqlColumn(
  session: Session,
  ref: TableRef,
  column: string,
): Promise<MysqlColumn | undefined> {
  const [row] = await session.query<{
    t: string;
    n: string;
    d: string | null;
    x: string;
    c: string;
    v: string;
  }>(
    `select COLUMN_TYPE as t, IS_NULLABLE as n, COLUMN_DEFAULT as d, EXTRA as x, COLUMN_COMMENT as c,
            version() as v
       from information_schema.COLUMNS
      where TABLE_SCHEMA = coalesce(?, database()) and TABLE_NAME = ? and COLUMN_NAME = ?`,
    [ref.schema ?? null, ref.table, column],
  );
  if (!row) return undefined;
  return {
    type: row.t,
    notNull: row.n === 'NO',
    defaultSql: defaultSql(row.d, row.x, /mariadb/i.test(row.v)),
    autoIncrement: /auto_increment/i.test(row.x),
    comment: row.c,
  };
}

/**
 * COLUMN_DEFAULT as SQL: MariaDB 10.2.7+ stores it as SQL already (`'text'`, `NULL`, `current_timestamp()`);
 * MySQL stores a literal's value (quoted here) and marks expressions DEFAULT_GENERATED.
 */
function defaultSql(value: string | null, extra: string, mariadb: boolean): string | null {
  if (value === null) return null;
  if (mariadb) return value;
  if (/DEFAULT_GENERATED/i.test(extra)) return /^[a-z_]+(\(\d*\))?$/i.test(value) ? value : `(${value})`;
  return quoteLiteral('mysql', value);
}

/** `BIGINT NOT NULL DEFAULT 0 COMMENT '…'`: the column restated with `type`. */
export function renderMysqlColumn(c: MysqlColumn, type = c.type): string {
  return [
    type,
    c.notNull ? 'NOT NULL' : 'NULL',
    c.defaultSql !== null && !(c.defaultSql === 'NULL' && c.notNull) ? `DEFAULT ${c.defaultSql}` : '',
    c.autoIncrement ? 'AUTO_INCREMENT' : '',
    c.comment ? `COMMENT ${quoteLiteral('mysql', c.comment)}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

async function requireColumn(
  db: Database,
  ref: TableRef,
  column: string,
  what: string,
): Promise<MysqlColumn> {
  const found = await db.withSession((s) => readMysqlColumn(s, ref, column));
  if (found) return found;
  const where = `${displayName(ref)}.${column}`;
  throw new ColumnNotFoundError(`${what} ${where}: no such column`, {
    where,
    hint: 'check the table and column names',
  });
}

const asRunReport = (operation: string, target: string, ms: number, copy?: OnlineCopyReport): RunReport => ({
  operation,
  target,
  steps: copy ? [{ id: `online-copy:${copy.table}`, status: 'applied', attempts: 1, ms }] : [],
  ms,
});

/**
 * changeColumnType on MySQL/MariaDB: InnoDB changes a type only by copying the table
 * (facts table: `change-column-type`), so it runs as an online copy whose ALTER restates the
 * column with the new type (NULL-ness, default and comment kept). The old table is kept as the
 * backup, its catalog row naming the column and its old definition for the reverse.
 */
export async function changeColumnTypeMysql(
  db: Database,
  input: ChangeColumnTypeRequest,
  options: OnlineCopyOptions = {},
): Promise<RunReport> {
  const t0 = performance.now();
  const target = `${displayName(input)}.${input.column}`;
  const given = (['using', 'reverseUsing', 'newColumn'] as const).filter((k) => input[k] !== undefined);
  if (given.length > 0) {
    throw new UnsupportedServerError(
      `change type of ${target}: ${given.map((k) => `\`${k}\``).join(', ')} not supported on MySQL/MariaDB (no expand/contract there)`,
      {
        where: target,
        hint: 'the online copy converts values as the server casts them on INSERT … SELECT; for another conversion add a column, backfill it, and rename',
      },
    );
  }
  const column = await requireColumn(db, input, input.column, 'change type of');
  const report = await onlineCopy(
    db,
    {
      table: input.table,
      schema: input.schema,
      alter: [
        `MODIFY COLUMN ${quoteIdent('mysql', input.column)} ${renderMysqlColumn(column, input.newType)}`,
      ],
    },
    { ...options, column: { name: input.column, definition: JSON.stringify(column) } },
  );
  return asRunReport('change-column-type', target, performance.now() - t0, report);
}

/**
 * Its reverse: the column's definition before the change, read from the newest backup the
 * change recorded (for `migration` when given), restored by another online copy, so rows
 * written since the change keep their values.
 */
export async function undoChangeColumnTypeMysql(
  db: Database,
  input: TableRef & { readonly column: string },
  options: OnlineCopyOptions = {},
): Promise<RunReport> {
  const t0 = performance.now();
  const target = `${displayName(input)}.${input.column}`;
  const backup = await newestColumnBackup(db, input, options.migration, `undo type change of ${target}`);
  const report = await onlineCopy(
    db,
    {
      table: input.table,
      schema: input.schema,
      alter: [
        `MODIFY COLUMN ${quoteIdent('mysql', input.column)} ${renderMysqlColumn(JSON.parse(backup.columnType) as MysqlColumn)}`,
      ],
    },
    { ...options, ...(options.migration ? { migration: `${options.migration} (reverse)` } : {}) },
  );
  return asRunReport('change-column-type (reverse)', target, performance.now() - t0, report);
}

export async function newestColumnBackup(
  db: Database,
  input: TableRef & { readonly column: string },
  migration: string | undefined,
  what: string,
): Promise<BackupRecord & { readonly columnType: string }> {
  const found = await db.withSession((s) =>
    selectMysqlBackups(s, { table: input.table, column: input.column, ...(migration ? { migration } : {}) }),
  );
  const newest = found.filter((b) => b.columnType !== null).at(-1);
  if (newest) return newest as BackupRecord & { readonly columnType: string };
  throw new BallastError(`${what}: no backup of ${displayName(input)}.${input.column} recorded it`, {
    where: `${displayName(input)}.${input.column}`,
    hint: 'listBackups(db, { includeHistory: true }) shows what was recorded; change the type back with changeColumnType',
  });
}

/** renameColumn on MySQL/MariaDB (ops/mysql/rename-column.ts) through the runner; `reverse` renames back. */
export async function renameColumnMysql(
  db: Database,
  input: TableRef & { readonly from: string; readonly to: string },
  options: RunOptions = {},
  reverse = false,
): Promise<RunReport> {
  const server = await db.withSession(readMysqlServerInfo);
  const plan = planRenameColumnMysql(input, server);
  const back = freezePlan({
    ...plan,
    operation: `${plan.operation} (reverse)`,
    steps: plan.reverse,
    reverse: plan.steps,
  });
  return runPlan(db, reverse ? back : plan, options);
}

/**
 * setNotNull on MySQL/MariaDB: refused, naming up to 10 keys, while rows hold NULL; else the
 * column restated NOT NULL with the algorithm the facts table gives (`set-not-null`: an in-place
 * rebuild, LOCK=NONE), or by an online copy on a server without one. `reverse` allows NULL again
 * the same way.
 */
export async function setNotNullMysql(
  db: Database,
  input: TableRef & { readonly column: string },
  options: RunOptions = {},
  reverse = false,
): Promise<RunReport> {
  const t0 = performance.now();
  const target = `${displayName(input)}.${input.column}`;
  const column = await requireColumn(db, input, input.column, 'set not null on');
  if (column.notNull !== reverse) return asRunReport('set-not-null', target, performance.now() - t0);
  const info = await db.withSession((s) => readMysqlTable(s, { name: input.table, schema: input.schema }));
  if (!reverse) {
    const keys = info.key.map((k) => quoteIdent('mysql', k));
    const nulls = await db.withSession((s) =>
      s.query<Record<string, unknown>>(
        `select ${keys.join(', ')} from ${info.sql} where ${quoteIdent('mysql', input.column)} is null order by ${keys.join(', ')} limit 10`,
      ),
    );
    if (nulls.length > 0) {
      const shown = nulls.map((r) => `(${Object.values(r).join(', ')})`).join(', ');
      throw new UnsafeOperationError(
        `set not null on ${target}: rows hold NULL, e.g. ${info.key.join(', ')} = ${shown}`,
        { where: target, hint: 'backfill those rows (b.backfill with a where on the NULLs), then rerun' },
      );
    }
  }
  const clause = `MODIFY COLUMN ${quoteIdent('mysql', input.column)} ${renderMysqlColumn({ ...column, notNull: !reverse })}`;
  const server = await db.withSession(readMysqlServerInfo);
  const algorithm = onlineAlgorithm(server.capabilities, ['set-not-null']);
  if (!algorithm) {
    const { lock, log, progress, lockTimeoutMs, retry } = options;
    const copy = await onlineCopy(
      db,
      { table: input.table, schema: input.schema, alter: [clause] },
      {
        ...definedOnly({ lock, log, progress, lockTimeoutMs, retry }),
        ...(options.migration ? { migration: options.migration } : {}),
      },
    );
    return asRunReport('set-not-null', target, performance.now() - t0, copy);
  }
  const step = sqlStep({
    id: `set-not-null:${target}:${reverse ? 'drop' : 'set'}`,
    description: `${reverse ? 'allow NULL in' : 'NOT NULL on'} ${target}: rebuilt ${algorithm}, reads and writes continue`,
    lock: 'METADATA SHARED',
    relations: relationsOf(input),
    transactional: true,
    timeout: 'long',
    sql: `ALTER TABLE ${info.sql} ${clause}, ${onlineClauses(algorithm)}`,
  });
  return runPlan(
    db,
    freezePlan({ operation: 'set-not-null', target, steps: [step], reverse: [], notes: [] }),
    options,
  );
}

const definedOnly = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
