import mysql from 'mysql2/promise';
import pg from 'pg';

export type Dialect = 'postgres' | 'mysql';

/** One connection, one dialect-neutral call: `$1`-style placeholders for both servers. */
export interface SqlConnection {
  readonly dialect: Dialect;
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Server-side id of this connection (pg backend pid / mysql connection id). */
  readonly sessionId: number;
  close(): Promise<void>;
}

// Test-infrastructure quoting: testkit must not depend on @ballast/core (core's tests use it).
export function quoteIdent(dialect: Dialect, name: string): string {
  return dialect === 'postgres' ? `"${name.replaceAll('"', '""')}"` : `\`${name.replaceAll('`', '``')}\``;
}

export function dialectOf(url: string): Dialect {
  if (/^postgres(ql)?:/.test(url)) return 'postgres';
  if (/^(mysql|mariadb):/.test(url)) return 'mysql';
  throw new Error(`unsupported database URL scheme: ${url.split(':')[0]}`);
}

/** `$1, $2` → `?, ?` (in order) so test code writes one placeholder style. */
const toMysqlPlaceholders = (sql: string) => sql.replace(/\$\d+/g, '?');

export async function connect(url: string): Promise<SqlConnection> {
  if (dialectOf(url) === 'postgres') {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    return {
      dialect: 'postgres',
      sessionId: rows[0]!.pid,
      query: async <T>(sql: string, params: readonly unknown[] = []) =>
        (await client.query(sql, params as unknown[])).rows as T[],
      close: () => client.end(),
    };
  }
  const conn = await mysql.createConnection({
    uri: url.replace(/^mariadb:/, 'mysql:'),
    multipleStatements: false,
  });
  const [rows] = await conn.query('select connection_id() as id');
  return {
    dialect: 'mysql',
    sessionId: Number((rows as { id: number }[])[0]!.id),
    query: async <T>(sql: string, params: readonly unknown[] = []) => {
      const [result] = await conn.query(toMysqlPlaceholders(sql), params as unknown[]);
      return (Array.isArray(result) ? result : []) as T[];
    },
    close: () => conn.end(),
  };
}
