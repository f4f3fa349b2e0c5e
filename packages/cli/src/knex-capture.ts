/**
 * Knex migrations are code, so their SQL is known only by running them: `up(knex)` runs against
 * a throwaway PostgreSQL database (created on --database-url's server and dropped afterwards, or on
 * a local server started for the run via @ballast/testkit), with every query recorded with its
 * bindings inlined. Knex wraps a migration in a transaction unless it exports
 * `config = { transaction: false }`; that is reported back so rules know the context.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { quoteIdent } from '@ballast/core';
import knexFactory, { type Knex } from 'knex';

export interface CapturedSql {
  readonly sql: string;
  /** True unless the migration opts out of Knex's per-migration transaction. */
  readonly transaction: boolean;
  /** 1-based statement number for a line of `sql`. */
  statementAt(line: number): number;
}

interface KnexMigration {
  up(knex: Knex): Promise<unknown>;
  config?: { transaction?: boolean };
}

async function serverUrl(given: string | undefined): Promise<{ url: string; stop(): Promise<void> }> {
  if (given) return { url: given, stop: async () => {} };
  try {
    const testkit = await import('@ballast/testkit');
    const server = await testkit.startLocalPostgres(testkit.createRunDir());
    return { url: server.url, stop: server.stop };
  } catch (err) {
    throw new Error(
      `ballast lint --knex needs a PostgreSQL server to run the migration on: pass --database-url postgres://… ` +
        `(a database is created there and dropped afterwards). Starting a local one failed: ${(err as Error).message}`,
    );
  }
}

export async function captureKnexSql(file: string, databaseUrl: string | undefined): Promise<CapturedSql> {
  const mod = (await import(pathToFileURL(resolve(file)).href)) as KnexMigration & {
    default?: KnexMigration;
  };
  const migration = typeof mod.up === 'function' ? mod : mod.default;
  if (!migration || typeof migration.up !== 'function')
    throw new Error(`${file}: no up(knex) export: not a Knex migration`);
  const server = await serverUrl(databaseUrl);
  const name = `ballast_lint_${randomBytes(5).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: server.url, pool: { min: 0, max: 1 } });
  const statements: string[] = [];
  try {
    await admin.raw(`CREATE DATABASE ${quoteIdent('postgres', name)}`);
    const url = new URL(server.url);
    url.pathname = `/${name}`;
    const db = knexFactory({ client: 'pg', connection: url.toString(), pool: { min: 0, max: 1 } });
    db.on('query', (q: { sql: string; bindings?: readonly unknown[] }) => {
      if (/^(begin|commit|rollback)\b/i.test(q.sql.trim())) return;
      statements.push(db.raw(q.sql, (q.bindings ?? []) as Knex.RawBinding[]).toString());
    });
    try {
      const transaction = migration.config?.transaction !== false;
      if (transaction) await db.transaction((trx) => migration.up(trx));
      else await migration.up(db);
      return toCaptured(statements, transaction);
    } finally {
      await db.destroy();
    }
  } finally {
    await admin.raw(`DROP DATABASE IF EXISTS ${quoteIdent('postgres', name)} WITH (FORCE)`).catch(() => {});
    await admin.destroy();
    await server.stop();
  }
}

function toCaptured(statements: readonly string[], transaction: boolean): CapturedSql {
  const starts: number[] = [];
  let line = 1;
  const parts = statements.map((s) => {
    starts.push(line);
    const text = `${s.replace(/;\s*$/, '')};`;
    line += text.split('\n').length + 1;
    return text;
  });
  return {
    sql: parts.join('\n\n'),
    transaction,
    statementAt: (l) => starts.filter((s) => s <= l).length,
  };
}
