import type { ErrorKind } from '../runtime.js';

/** The MySQL/MariaDB error numbers the runner acts on (mysql2 puts them in `errno`). */
const KINDS: Readonly<Record<number, ErrorKind>> = {
  1205: 'lock-timeout', // ER_LOCK_WAIT_TIMEOUT: row locks (innodb_lock_wait_timeout) and metadata locks (lock_wait_timeout)
  1213: 'deadlock', // ER_LOCK_DEADLOCK: InnoDB rolled the transaction back to break a cycle
  1969: 'statement-timeout', // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
  3024: 'statement-timeout', // ER_QUERY_TIMEOUT (MySQL max_execution_time)
  1062: 'unique-violation', // ER_DUP_ENTRY
  1007: 'duplicate-object', // ER_DB_CREATE_EXISTS
  1050: 'duplicate-object', // ER_TABLE_EXISTS_ERROR
  1060: 'duplicate-object', // ER_DUP_FIELDNAME
  1061: 'duplicate-object', // ER_DUP_KEYNAME
  1146: 'undefined-object', // ER_NO_SUCH_TABLE
  1091: 'undefined-object', // ER_CANT_DROP_FIELD_OR_KEY
  1044: 'insufficient-privilege', // ER_DBACCESS_DENIED_ERROR
  1142: 'insufficient-privilege', // ER_TABLEACCESS_DENIED_ERROR
  1227: 'insufficient-privilege', // ER_SPECIFIC_ACCESS_DENIED_ERROR
};

/** The server's error number of a mysql2 error, as text. */
export const mysqlErrorCode = (error: unknown): string | undefined => {
  const errno = (error as { errno?: unknown } | null)?.errno;
  return typeof errno === 'number' ? String(errno) : undefined;
};

export const classifyMysqlError = (error: unknown): ErrorKind | undefined => {
  const code = mysqlErrorCode(error);
  return code === undefined ? undefined : KINDS[Number(code)];
};
