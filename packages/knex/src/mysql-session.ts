import type { Session } from '@ballast/core';
import { renderMysqlParams } from '@ballast/core/adapter';

/**
 * The connection Knex's `mysql2` (or `mysql`) client hands out: the drivers' callback API, typed
 * here so that neither driver is a dependency of this package (both are optional peers).
 */
export interface KnexMysqlConnection {
  query(
    sql: string,
    params: readonly unknown[],
    callback: (error: Error | null, result: unknown) => void,
  ): unknown;
  /** The driver's value escaping (both drivers have it): used for dates and buffers only. */
  escape?(value: unknown): string;
}

/**
 * A core Session over a MySQL/MariaDB connection: `?` placeholders (core's MySQL SQL is written
 * with them), rows for a SELECT, no rows for statements that return a result header
 * (DDL, INSERT/UPDATE). Errors keep the driver's shape (`errno`), which the MySQL runtime
 * classifies. Values are rendered by core (renderMysqlParams), not by the driver, whose
 * backslash escapes a server with NO_BACKSLASH_ESCAPES would read differently.
 */
export function mysqlSession(connection: KnexMysqlConnection): Session {
  return {
    dialect: 'mysql',
    query: <T>(sql: string, params: readonly unknown[] = []) =>
      new Promise<T[]>((resolve, reject) => {
        const text = renderMysqlParams(sql, params, (value) => {
          if (connection.escape) return connection.escape(value);
          throw new TypeError(
            `cannot render a ${typeof value} as a MySQL value without the driver's escape()`,
          );
        });
        connection.query(text, [], (error, result) => {
          if (error) reject(error);
          else resolve((Array.isArray(result) ? result : []) as T[]);
        });
      }),
  };
}
