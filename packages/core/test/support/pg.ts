import {
  type Database,
  type PgServerInfo,
  postgresDatabaseFromUrl,
  readServerInfo,
  requireDialect,
} from '@ballast/core';
import { type PgServer, pgTestDatabase, type TestDatabase } from '@ballast/testkit';

/** A fresh PostgreSQL database for one test file, with a core Database and the server's info. */
export interface PgFixture {
  readonly test: TestDatabase;
  readonly db: Database;
  readonly server: PgServerInfo;
  /** One query on a fresh connection, for assertions and setup. */
  sql<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function pgFixture(prefix: string, on?: PgServer): Promise<PgFixture> {
  const test = await pgTestDatabase(prefix, on);
  const db = postgresDatabaseFromUrl(test.url, { max: 6 });
  const server = await db.withSession(readServerInfo);
  requireDialect(server, 'postgres', 'pgFixture');
  return {
    test,
    db,
    server,
    sql: (text, params = []) => db.withSession((s) => s.query(text, params)),
    close: async () => {
      await db.close?.();
      await test.drop();
    },
  };
}

/** Lines logged by the runner, for assertions. */
export function logLines(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}
