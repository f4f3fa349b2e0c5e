import type { Database } from '@ballast/core';
import { mysqlTestDatabase, type SqlConnection, type TestDatabase } from '@ballast/testkit';

/**
 * A fresh database on the run's MySQL/MariaDB (BALLAST_SERVERS=postgres,mariadb) with a core
 * Database over it: each session is its own connection (testkit's mysql2 client), as a pool's
 * dedicated connection would be.
 */
export interface MysqlFixture {
  readonly test: TestDatabase;
  readonly db: Database;
  /** A connection of its own (the caller closes it): a blocker, an observer. */
  connect(): Promise<SqlConnection>;
  sql<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function mysqlFixture(prefix: string): Promise<MysqlFixture> {
  const test = await mysqlTestDatabase(prefix);
  const db: Database = {
    dialect: 'mysql',
    async withSession(fn) {
      const conn = await test.connect();
      try {
        return await fn(conn);
      } finally {
        await conn.close();
      }
    },
  };
  return {
    test,
    db,
    connect: () => test.connect(),
    sql: (text, params = []) => db.withSession((s) => s.query(text, params)),
    close: () => test.drop(),
  };
}
