import type { ErrorKind } from '../runtime.js';

/** The SQLSTATEs the runner acts on (PostgreSQL manual, appendix A). */
const KINDS: Readonly<Record<string, ErrorKind>> = {
  '55P03': 'lock-timeout', // lock_not_available: lock_timeout expired (or NOWAIT)
  '40P01': 'deadlock', // the server rolled our statement back to break a lock cycle
  '40001': 'serialization',
  '57014': 'statement-timeout', // query_canceled: statement_timeout (or a cancel request)
  '23505': 'unique-violation',
  '42P07': 'duplicate-object', // duplicate_table (tables and indexes)
  '42P06': 'duplicate-object', // duplicate_schema
  '42710': 'duplicate-object',
  '42P01': 'undefined-object', // undefined_table
  '42704': 'undefined-object',
  '42501': 'insufficient-privilege',
};

/** The SQLSTATE of a node-postgres error: a five-character string in `code`. */
export const pgErrorCode = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

export const classifyPgError = (error: unknown): ErrorKind | undefined => {
  const code = pgErrorCode(error);
  return code === undefined ? undefined : KINDS[code];
};
