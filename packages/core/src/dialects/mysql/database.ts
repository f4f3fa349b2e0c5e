import { createRequire } from 'node:module';
import type mysql from 'mysql2/promise';
import type { Database, Session } from '../../db.js';
import { MissingDependencyError } from '../../errors.js';
import { renderMysqlParams } from './params.js';

/**
 * A Database over a `mysql2` pool for a `mysql://` or `mariadb://` URL, owned by the Database
 * (close() ends it): the MySQL counterpart of postgresDatabaseFromUrl. Each session is one
 * pooled connection; one whose callback failed is destroyed rather than reused, since it may
 * still be inside a transaction or hold a GET_LOCK.
 */
export function mysqlDatabaseFromUrl(url: string, options: { max?: number } = {}): Database {
  const pool = loadMysql2().createPool({
    uri: url.replace(/^mariadb:/i, 'mysql:'),
    connectionLimit: options.max ?? 4,
    multipleStatements: false,
  });
  return {
    dialect: 'mysql',
    async withSession(fn) {
      const connection = await pool.getConnection();
      try {
        const result = await fn(mysqlPoolSession(connection));
        connection.release();
        return result;
      } catch (error) {
        connection.destroy();
        throw error;
      }
    },
    close: () => pool.end(),
  };
}

/**
 * `?` placeholders, rendered by core (renderMysqlParams), not by the driver, whose backslash
 * escapes NO_BACKSLASH_ESCAPES would read differently; rows for a SELECT, none for statements
 * that return a result header.
 */
function mysqlPoolSession(connection: mysql.PoolConnection): Session {
  return {
    dialect: 'mysql',
    query: async <T>(sql: string, params: readonly unknown[] = []) => {
      const text = renderMysqlParams(sql, params, (value) => connection.escape(value));
      const [result] = await connection.query(text);
      return (Array.isArray(result) ? result : []) as T[];
    },
  };
}

/** mysql2 is an optional peer, loaded on this call only: PostgreSQL projects do not need it. */
function loadMysql2(): typeof mysql {
  try {
    return createRequire(import.meta.url)('mysql2/promise') as typeof mysql;
  } catch (error) {
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new MissingDependencyError(
      'mysqlDatabaseFromUrl cannot open a connection: the package `mysql2` is not installed in this project',
      {
        where: 'mysqlDatabaseFromUrl',
        hint: 'install it in your project: npm install mysql2',
        cause: error,
      },
    );
  }
}
