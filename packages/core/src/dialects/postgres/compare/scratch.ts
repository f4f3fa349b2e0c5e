import type { Session } from '../../../db.js';

/**
 * Requested SQL fragments are compared after the server parsed them: they are applied to a
 * throwaway temporary table inside a transaction (or a savepoint, inside the caller's
 * transaction) that is always rolled back, and read back with format_type / pg_get_expr /
 * pg_get_indexdef exactly as the existing object is. `int` then equals `integer`, `varchar(20)`
 * equals `character varying(20)`, `v>0` equals `(v > 0)`, with no SQL parser of our own.
 */
/** Created as `ballast_expect` (TEMP), read back as `pg_temp.ballast_expect`. */
export const SCRATCH_NAME = 'ballast_expect';
export const SCRATCH_TABLE = `pg_temp.${SCRATCH_NAME}`;

/** Runs `fn` in a transaction (or savepoint) that is rolled back whatever happens. */
export type Scratch = <T>(fn: () => Promise<T>) => Promise<T>;

export function scratchOn(session: Session, inTransaction: boolean): Scratch {
  return async (fn) => {
    await session.query(inTransaction ? 'SAVEPOINT ballast_expect' : 'BEGIN');
    try {
      return await fn();
    } finally {
      if (inTransaction) {
        await session.query('ROLLBACK TO SAVEPOINT ballast_expect');
        await session.query('RELEASE SAVEPOINT ballast_expect');
      } else {
        await session.query('ROLLBACK');
      }
    }
  };
}

/** The server's own error text, for a requested fragment it refuses to parse. */
export const rejected = (fragment: string, error: unknown) =>
  `${fragment} (the server rejects it: ${(error as Error).message})`;
