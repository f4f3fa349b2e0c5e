import { createRequire } from 'node:module';
import type pg from 'pg';
import { MissingDependencyError } from './errors.js';

export type Dialect = 'postgres' | 'mysql';

/**
 * One server connection. Session settings (lock_timeout, a BEGIN) stay on it between calls.
 * Placeholders are the dialect's own: `$1` for PostgreSQL, `?` for MySQL/MariaDB.
 */
export interface Session {
  readonly dialect: Dialect;
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/**
 * What core needs from a database: dedicated sessions. Adapters (Knex, Prisma's driver, a URL)
 * implement this and nothing else, so no ORM leaks into core.
 */
export interface Database {
  readonly dialect: Dialect;
  /**
   * True when every session is inside a transaction the caller owns (e.g. a Knex migration's
   * transaction): the runner then must not BEGIN/COMMIT itself, and refuses steps that cannot
   * run inside a transaction with a WrongContextError that says what to change.
   */
  readonly inTransaction?: boolean;
  /** Runs `fn` on one connection held for its whole duration, then releases it. */
  withSession<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  /** Optional: closes what the Database opened itself (not what an adapter was handed). */
  close?(): Promise<void>;
}

/** A Database over a `pg` pool; `fromUrl` owns the pool and closes it on close(). */
export function postgresDatabase(pool: pg.Pool): Database {
  return {
    dialect: 'postgres',
    async withSession(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        return await fn(pgSession(client));
      } catch (error) {
        // A session left inside a failed transaction must not go back to the pool.
        broken = error as Error;
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}

export function pgSession(client: pg.ClientBase): Session {
  return {
    dialect: 'postgres',
    query: async <T>(sql: string, params: readonly unknown[] = []) =>
      (await client.query(sql, params as unknown[])).rows as T[],
  };
}

export function postgresDatabaseFromUrl(url: string, options: { max?: number } = {}): Database {
  const pool = new (loadPg().Pool)({ connectionString: url, max: options.max ?? 4 });
  // An idle connection the server ends (an admin's pg_terminate_backend, a restart, DROP DATABASE
  // … WITH (FORCE)) is an 'error' event of the pool: unheard, it kills the process. The pool has
  // already discarded that client and the next session opens a new one.
  pool.on('error', () => {});
  return { ...postgresDatabase(pool), close: () => pool.end() };
}

/**
 * pg is an optional peer: loaded only when core opens a connection itself, so that `ballast lint`
 * and MySQL projects do not need it installed.
 */
function loadPg(): typeof pg {
  try {
    return createRequire(import.meta.url)('pg') as typeof pg;
  } catch (error) {
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new MissingDependencyError(
      'postgresDatabaseFromUrl cannot open a connection: the package `pg` is not installed in this project',
      {
        where: 'postgresDatabaseFromUrl',
        hint: 'install it in your project: npm install pg',
        cause: error,
      },
    );
  }
}
