import type { Session } from '../../db.js';
import type { BookkeepingSql, ObjectKind } from '../runtime.js';

async function objectExists(session: Session, kind: ObjectKind, name: string): Promise<boolean> {
  const [row] = await session.query<{ n: number }>(
    kind === 'schema'
      ? 'select count(*) as n from information_schema.SCHEMATA where SCHEMA_NAME = ?'
      : 'select count(*) as n from information_schema.TABLES where TABLE_SCHEMA = database() and TABLE_NAME = ?',
    [name],
  );
  return Number(row?.n) > 0;
}

async function missingColumns(session: Session, name: string, columns: readonly string[]): Promise<string[]> {
  if (columns.length === 0) return [];
  const rows = await session.query<{ c: string }>(
    'select COLUMN_NAME as c from information_schema.COLUMNS where TABLE_SCHEMA = database() and TABLE_NAME = ?',
    [name],
  );
  const have = new Set(rows.map((r) => r.c));
  return columns.filter((c) => !have.has(c));
}

/** ballast_journal on MySQL/MariaDB: InnoDB (transactional, crash-safe), keys short enough for utf8mb4. */
export const MYSQL_JOURNAL_DDL = `create table if not exists ballast_journal (
  migration varchar(255) not null,
  step_id varchar(255) not null,
  applied_at datetime(6) not null default current_timestamp(6),
  execution_time_ms integer,
  success boolean not null,
  error_message text,
  primary key (migration, step_id)) engine = InnoDB`;

export const mysqlBookkeeping: BookkeepingSql = {
  objectExists,
  missingColumns,
  journal: {
    ddl: MYSQL_JOURNAL_DDL,
    completed: 'select step_id from ballast_journal where migration = ? and success',
    // VALUES(col): MariaDB has no row alias; MySQL 8.0.20+ accepts it with a deprecation note.
    record: `insert into ballast_journal (migration, step_id, applied_at, execution_time_ms, success, error_message)
           values (?, ?, current_timestamp(6), ?, ?, ?)
           on duplicate key update applied_at = values(applied_at),
             execution_time_ms = values(execution_time_ms), success = values(success),
             error_message = values(error_message)`,
  },
};
