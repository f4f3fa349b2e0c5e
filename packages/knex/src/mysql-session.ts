import type { Session } from '@ballast/core';

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
}

/**
 * A core Session over a MySQL/MariaDB connection: `?` placeholders (core's MySQL SQL is written
 * with them), rows for a SELECT, no rows for statements that return a result header
 * (DDL, INSERT/UPDATE). Errors keep the driver's shape (`errno`), which the MySQL runtime
 * classifies.
 */
export function mysqlSession(connection: KnexMysqlConnection): Session {
  return {
    dialect: 'mysql',
    query: <T>(sql: string, params: readonly unknown[] = []) =>
      new Promise<T[]>((resolve, reject) => {
        connection.query(sql, [...params], (error, result) => {
          if (error) reject(error);
          else resolve((Array.isArray(result) ? result : []) as T[]);
        });
      }),
  };
}
