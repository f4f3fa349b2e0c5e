import pg from 'pg';

/** Runs `fn` on a connection of its own (named, so pg_stat_activity tells the roles apart). */
export async function withClient<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
  applicationName = 'ballast-bench',
): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Statements in order, each in its own implicit transaction. */
export const runStatements = (url: string, statements: readonly string[], applicationName?: string) =>
  withClient(
    url,
    async (c) => {
      for (const sql of statements) await c.query(sql);
    },
    applicationName,
  );
