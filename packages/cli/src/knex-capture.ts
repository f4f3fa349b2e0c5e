/**
 * Knex migrations are code, so their SQL is known only by running them: `up(knex)` runs against
 * a throwaway PostgreSQL database (created on the server of --database-url or DATABASE_URL and
 * dropped afterwards), with every query recorded with its bindings inlined, and the steps Ballast
 * helpers plan recorded as the runner sends them (lint-knex-steps.ts). Knex wraps a migration in a transaction unless it exports
 * `config = { transaction: false }`; that is reported back so rules know the context.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BallastError } from '@ballast/core';
import { quoteIdent } from '@ballast/core/adapter';
import type { Knex } from 'knex';
import { recordRunnerSteps } from './lint-knex-steps.js';
import { importOptional } from './optional.js';

type KnexFactory = typeof import('knex').default;

export interface CapturedSql {
  readonly sql: string;
  /** True unless the migration opts out of Knex's per-migration transaction. */
  readonly transaction: boolean;
  /** 1-based statement number for a line of `sql`. */
  statementAt(line: number): number;
}

export interface KnexMigration {
  up(knex: Knex): Promise<unknown>;
  down?(knex: Knex): Promise<unknown>;
  config?: { transaction?: boolean };
}

/**
 * The server the migrations run on: --database-url (or BALLAST_LINT_DATABASE_URL), else DATABASE_URL. The published CLI starts
 * no server of its own (a PostgreSQL install is not something a lint command should assume).
 */
function serverUrl(given: string | undefined): string {
  const url = given ?? process.env.DATABASE_URL;
  if (url) return url;
  throw new BallastError(
    'ballast lint --knex runs the migrations to capture their SQL, and needs a PostgreSQL server for that: none was given',
    {
      where: '--knex',
      hint: 'pass --database-url postgres://… or set BALLAST_LINT_DATABASE_URL or DATABASE_URL (a throwaway database is created there and dropped afterwards)',
    },
  );
}

const MIGRATION_FILE = /\.(c|m)?(j|t)s$/;

/** The migrations of `dir` in Knex's order (file name order), declaration files excluded. */
export function knexMigrationsIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => MIGRATION_FILE.test(f) && !f.endsWith('.d.ts'))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Runs the migrations of the directories of `files` in order on one throwaway database, up to
 * the last file asked for, so each migration sees the schema its predecessors built (the tables it
 * alters exist, as they do in production). Returns the SQL each asked-for file emitted.
 */
export async function captureKnexSql(
  files: readonly string[],
  databaseUrl: string | undefined,
): Promise<Map<string, CapturedSql>> {
  const wanted = new Set(files.map((f) => resolve(f)));
  const out = new Map<string, CapturedSql>();
  // knex and its pg client are optional peers of @ballast/cli: say which to install, first.
  const knexFactory = (await importOptional<typeof import('knex')>('knex', 'ballast lint --knex')).default;
  await importOptional('pg', 'ballast lint --knex');
  const url = serverUrl(databaseUrl);
  for (const dir of [...new Set([...wanted].map((f) => dirname(f)))]) {
    const all = knexMigrationsIn(dir);
    const last = Math.max(...all.map((f, i) => (wanted.has(f) ? i : -1)));
    const captured = await runInThrowawayDatabase(knexFactory, url, all.slice(0, last + 1));
    for (const [file, sql] of captured) if (wanted.has(file)) out.set(file, sql);
  }
  return out;
}

/** The file's `up`/`down`/`config` exports (named, or on a default export). */
export async function loadMigration(file: string): Promise<KnexMigration> {
  const mod = (await import(pathToFileURL(file).href)) as KnexMigration & { default?: KnexMigration };
  const migration = typeof mod.up === 'function' ? mod : mod.default;
  if (!migration || typeof migration.up !== 'function')
    throw new BallastError(`${file}: no up(knex) export, so it is not a Knex migration`, {
      where: file,
      hint: 'lint Knex migration files (exporting up(knex)) with --knex, and SQL files without it',
    });
  return migration;
}

async function runInThrowawayDatabase(
  knexFactory: KnexFactory,
  serverUrlText: string,
  files: readonly string[],
): Promise<Map<string, CapturedSql>> {
  const name = `ballast_lint_${randomBytes(5).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: serverUrlText, pool: { min: 0, max: 1 } });
  const out = new Map<string, CapturedSql>();
  try {
    await admin.raw(`CREATE DATABASE ${quoteIdent('postgres', name)}`);
    const url = new URL(serverUrlText);
    url.pathname = `/${name}`;
    const db = knexFactory({ client: 'pg', connection: url.toString(), pool: { min: 0, max: 1 } });
    let statements: string[] = [];
    db.on('query', (q: { sql: string; bindings?: readonly unknown[] }) => {
      if (/^(begin|commit|rollback)\b/i.test(q.sql.trim())) return;
      statements.push(db.raw(q.sql, (q.bindings ?? []) as Knex.RawBinding[]).toString());
    });
    // Ballast helpers' steps reach the server through the runner, not Knex's query builder.
    recordRunnerSteps(db.client as Knex.Client, () => statements);
    try {
      for (const file of files) {
        const migration = await loadMigration(file);
        statements = [];
        const transaction = migration.config?.transaction !== false;
        if (transaction) await db.transaction((trx) => migration.up(trx));
        else await migration.up(db);
        out.set(file, toCaptured(statements, transaction));
      }
    } finally {
      await db.destroy();
    }
  } finally {
    await admin.raw(`DROP DATABASE IF EXISTS ${quoteIdent('postgres', name)} WITH (FORCE)`).catch(() => {});
    await admin.destroy();
  }
  return out;
}

export function toCaptured(statements: readonly string[], transaction: boolean): CapturedSql {
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
