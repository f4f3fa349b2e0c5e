/**
 * The example's moving parts: a working copy of the project (prisma.config.ts + one schema per
 * step), `ballast-prisma` and the real `prisma` CLI run in it, and what the database holds.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRISMA_SCHEMA_ENGINE_STAND_IN } from '@ballast/testkit';
import pg from 'pg';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const PRISMA = createRequire(import.meta.url).resolve('prisma/build/index.js');
const BALLAST_PRISMA = fileURLToPath(new URL('./bin.ts', import.meta.resolve('@ballast/prisma')));
const SOURCE_ARGS = ['--conditions=ballast-source', '--import', import.meta.resolve('tsx')];

export interface Project {
  readonly dir: string;
  readonly migrationsDir: string;
  readonly env: NodeJS.ProcessEnv;
}

/** A fresh copy of the app in a temp folder: the repository's example stays as committed. */
export function workingCopy(databaseUrl: string): Project {
  const dir = mkdtempSync(join(tmpdir(), 'prisma-app-'));
  const migrationsDir = join(dir, 'prisma', 'migrations');
  mkdirSync(migrationsDir, { recursive: true });
  copyFileSync(here('./prisma.config.ts'), join(dir, 'prisma.config.ts'));
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    // Offline, Prisma cannot download its engine: the WASM stand-in serves the CLI instead.
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? PRISMA_SCHEMA_ENGINE_STAND_IN,
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  };
  return { dir, migrationsDir, env };
}

export function useSchema(project: Project, step: string): void {
  copyFileSync(here(`./schema/${step}.prisma`), join(project.dir, 'prisma', 'schema.prisma'));
}

export const folders = (project: Project) =>
  readdirSync(project.migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

export const migrationSql = (project: Project, folder: string) =>
  readFileSync(join(project.migrationsDir, folder, 'migration.sql'), 'utf8');

/** Puts a `-- ballast:phase …` marker on top of a migration not applied yet. */
export function markPhase(project: Project, folder: string, marker: string): void {
  const path = join(project.migrationsDir, folder, 'migration.sql');
  writeFileSync(path, `-- ballast:phase ${marker}\n${readFileSync(path, 'utf8')}`);
}

/** A new folder named as Prisma names them (UTC timestamp), for SQL written by hand or by `migrate diff`. */
export function addMigration(project: Project, name: string, sql: string): string {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const folder = `${stamp}_${name}`;
  mkdirSync(join(project.migrationsDir, folder));
  writeFileSync(join(project.migrationsDir, folder, 'migration.sql'), sql);
  return folder;
}

export function addDataMigration(project: Project, folder: string, module: string): void {
  copyFileSync(here(`./data/${module}.ts`), join(project.migrationsDir, folder, 'migration.ts'));
}

export interface RunResult {
  readonly code: number;
  readonly output: string;
}

function run(project: Project, nodeArgs: readonly string[], args: readonly string[], echo: boolean) {
  return new Promise<RunResult>((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd: project.dir, env: project.env });
    let output = '';
    const take = (chunk: Buffer) => {
      output += chunk.toString();
      if (echo) process.stdout.write(chunk);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

export const ballastPrisma = (project: Project, args: readonly string[], echo = true) =>
  run(project, SOURCE_ARGS, [BALLAST_PRISMA, ...args], echo);
export const prisma = (project: Project, args: readonly string[], echo = true) =>
  run(project, [], [PRISMA, ...args], echo);

export async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The User table as the app sees it: columns, indexes, rows with fullName set. */
export async function describeUsers(url: string): Promise<string> {
  const [cols, idx, rows] = await Promise.all([
    query<{ c: string }>(
      url,
      `select column_name || ' ' || data_type || case when is_nullable = 'NO' then ' not null' else '' end as c
         from information_schema.columns where table_name = 'User' order by ordinal_position`,
    ),
    query<{ i: string }>(
      url,
      `select c.relname || case when i.indisvalid then '' else ' (INVALID)' end as i
         from pg_index i join pg_class c on c.oid = i.indexrelid where i.indrelid = '"User"'::regclass order by 1`,
    ),
    query<{ n: string; full: string }>(
      url,
      `select count(*)::text as n, count(*) filter (where to_jsonb(u) ->> 'fullName' is not null)::text as full from "User" u`,
    ),
  ]);
  return `User(${cols.map((c) => c.c).join(', ')}); indexes: ${idx.map((i) => i.i).join(', ')}; ${rows[0]!.n} rows, ${rows[0]!.full} with fullName`;
}
