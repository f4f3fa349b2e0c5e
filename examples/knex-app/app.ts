/**
 * What start.ts and the example's test share: running the real Knex CLI on this app, and
 * reading back what the migrations did.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quoteIdent } from '@ballast/testkit';
import pg from 'pg';

export const appDir = dirname(fileURLToPath(import.meta.url));
const knexCli = createRequire(import.meta.url).resolve('knex/bin/cli.js');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `knex <args>` in this directory, as a child process. Node gets tsx and the `ballast-source`
 * condition because the monorepo runs TypeScript sources; an installed app runs `npx knex`.
 */
export function startKnex(
  args: readonly string[],
  env: Record<string, string>,
  options: { echo?: boolean } = {},
): { readonly child: ChildProcess; readonly done: Promise<CliResult> } {
  const child = spawn(
    process.execPath,
    ['--conditions=ballast-source', '--import', 'tsx', knexCli, ...args],
    { cwd: appDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d;
    if (options.echo) process.stdout.write(d);
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d;
    if (options.echo) process.stderr.write(d);
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
  return { child, done };
}

export const runKnex = (
  args: readonly string[],
  env: Record<string, string>,
  options: { echo?: boolean } = {},
) => startKnex(args, env, options).done;

export interface AppState {
  readonly migrations: string[];
  readonly columns: Record<string, string[]>;
  readonly notNull: string[];
  readonly constraints: string[];
  readonly indexes: string[];
  readonly users: number;
  readonly products: number;
}

/** The schema and row counts, from the catalogs (what a person would check with \d). */
export async function readState(url: string): Promise<AppState> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = async <T>(sql: string) => (await client.query(sql)).rows as T[];
    const cols = await q<{ t: string; c: string; nn: boolean }>(
      `select table_name as t, column_name as c, is_nullable = 'NO' as nn from information_schema.columns
       where table_schema = 'public' and table_name in ('users', 'products', 'user_preferences')
       order by table_name, ordinal_position`,
    );
    const columns: Record<string, string[]> = {};
    for (const { t, c } of cols) columns[t] = [...(columns[t] ?? []), c];
    const hasTable = (t: string) => columns[t] !== undefined;
    const count = async (t: string) =>
      hasTable(t)
        ? Number((await q<{ n: string }>(`select count(*) as n from ${quoteIdent('postgres', t)}`))[0]!.n)
        : 0;
    const migrations = (
      await q<{ exists: boolean }>("select to_regclass('knex_migrations') is not null as exists")
    )[0]!.exists
      ? (await q<{ name: string }>('select name from knex_migrations order by id')).map((r) => r.name)
      : [];
    return {
      migrations,
      columns,
      notNull: cols.filter((c) => c.nn).map((c) => `${c.t}.${c.c}`),
      constraints: (
        await q<{ d: string }>(
          `select conrelid::regclass || ': ' || conname || (case when convalidated then '' else ' (NOT VALID)' end) as d
           from pg_constraint where connamespace = 'public'::regnamespace and contype in ('c', 'f')
             and conrelid::regclass::text in ('users', 'products', 'user_preferences') order by 1`,
        )
      ).map((r) => r.d),
      indexes: (
        await q<{ d: string }>(
          `select indexrelid::regclass || (case when indisvalid then '' else ' (INVALID)' end) as d
           from pg_index i join pg_class c on c.oid = i.indrelid
           where c.relnamespace = 'public'::regnamespace and c.relname in ('users', 'products', 'user_preferences')
           order by 1`,
        )
      ).map((r) => r.d),
      users: await count('users'),
      products: await count('products'),
    };
  } finally {
    await client.end();
  }
}
