/** Connection URLs for plan/check: the same server under another database, and never a password in output. */
import type pg from 'pg';

/** `url` with its password replaced by `***`, for every line a person or CI log may read. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparsable database URL>';
  }
}

/** Any text with the password of `url` masked: the CLI's one masking function. */
export { maskSecrets } from '../mask.js';

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export const databaseOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

/** A connected pg client; pg is an optional peer, loaded only by plan/check. */
export async function connectPg(url: string): Promise<pg.Client> {
  const { default: pgModule } = await import('pg');
  const client = new pgModule.Client({ connectionString: url });
  await client.connect();
  // A server-side error on an idle client must not crash the process (a forced drop, a restart).
  client.on('error', () => {});
  return client;
}

/** libpq environment for pg_dump, so the password never appears in a process listing. */
export function libpqEnv(url: string): Record<string, string> {
  const u = new URL(url);
  const env: Record<string, string> = { PGDATABASE: databaseOf(url) };
  if (u.hostname) env.PGHOST = decodeURIComponent(u.hostname);
  if (u.port) env.PGPORT = u.port;
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}
