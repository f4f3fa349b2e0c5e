/** A throwaway Prisma 7 project on a test database, driven by the REAL Prisma CLI (offline engine). */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRISMA_SCHEMA_ENGINE_STAND_IN } from '@ballast/testkit';

export const PRISMA_CLI = createRequire(import.meta.url).resolve('prisma/build/index.js');

export interface PrismaProject {
  readonly dir: string;
  readonly migrationsDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Writes `<migrations>/<name>/migration.sql`. */
  addMigration(name: string, sql: string): string;
  writeSchema(models: string): void;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function prismaProject(url: string, models = ''): PrismaProject {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-prisma-'));
  const migrationsDir = join(dir, 'prisma', 'migrations');
  mkdirSync(migrationsDir, { recursive: true });
  writeFileSync(join(migrationsDir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  writeFileSync(
    join(dir, 'prisma.config.ts'),
    "export default { schema: 'prisma/schema.prisma', migrations: { path: 'prisma/migrations' }, datasource: { url: process.env.DATABASE_URL } };\n",
  );
  const writeSchema = (m: string) =>
    writeFileSync(
      join(dir, 'prisma', 'schema.prisma'),
      `datasource db {\n  provider = "postgresql"\n}\n${m}\n`,
    );
  writeSchema(models);
  return {
    dir,
    migrationsDir,
    env: {
      ...process.env,
      DATABASE_URL: url,
      PRISMA_SCHEMA_ENGINE_BINARY: PRISMA_SCHEMA_ENGINE_STAND_IN,
      CHECKPOINT_DISABLE: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    },
    writeSchema,
    addMigration(name, sql) {
      mkdirSync(join(migrationsDir, name), { recursive: true });
      const path = join(migrationsDir, name, 'migration.sql');
      writeFileSync(path, sql);
      return path;
    },
  };
}

/** Node flags that run Ballast's TypeScript sources from any cwd (the project is in a temp dir). */
export const SOURCE_NODE_ARGS = ['--conditions=ballast-source', '--import', import.meta.resolve('tsx')];

/** Runs a node script (the Prisma CLI, or ballast-prisma) in the project; never throws on exit codes. */
export function runIn(
  project: PrismaProject,
  script: string,
  args: readonly string[],
  nodeArgs: readonly string[] = [],
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...nodeArgs, script, ...args],
      { cwd: project.dir, env: project.env, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export const prisma = (project: PrismaProject, ...args: string[]) => runIn(project, PRISMA_CLI, args);

export const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
/** `ballast-prisma <args>` from its sources. */
export const ballastPrisma = (project: PrismaProject, ...args: string[]) =>
  runIn(project, BIN, args, SOURCE_NODE_ARGS);
