/**
 * `ballast-prisma migrate dev [prisma args]`: Prisma writes the new migration (`--create-only`),
 * Ballast rewrites it before its first apply — `ballast lint --fix`, the same planner for every
 * tool — shows what changed and why, then `prisma migrate deploy` applies it (unless
 * `--create-only`).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runLint } from '@ballast/cli';
import { type Database, postgresDatabaseFromUrl } from '@ballast/core';
import { loadPgParser } from '@ballast/core/lint';
import { prismaMigrationFolders } from '@ballast/core/translate';
import type { Io } from './command.js';
import { loadPrismaProject, type PrismaProjectConfig } from './config.js';
import { lineDiff } from './diff.js';
import { withLockTimeout } from './lock-timeout.js';
import { capturePrisma, runPrisma } from './prisma-cli.js';
import { ProbableRenameError, probableRenames } from './rename.js';
import { serverMajor } from './server.js';

export async function migrateDev(args: readonly string[], io: Io): Promise<number> {
  const createOnly = args.includes('--create-only');
  const prismaArgs = args.filter((a) => a !== '--create-only');
  const project = await loadPrismaProject(io.cwd, optionValue(args, '--config'));
  const configArgs = project.configFile ? ['--config', project.configFile] : [];
  const db = project.databaseUrl ? postgresDatabaseFromUrl(project.databaseUrl, { max: 1 }) : undefined;
  try {
    await loadPgParser();
    // Before Prisma writes anything (or asks to confirm the data loss): would it drop and re-add?
    if (db) await refuseRenames(db, project, configArgs, io);
    const before = new Set(folderNames(project.migrationsDir));
    const created = await runPrisma(['migrate', 'dev', ...prismaArgs, '--create-only'], io.cwd);
    if (created !== 0) return created;
    const fresh = folderNames(project.migrationsDir).filter((n) => !before.has(n));
    if (fresh.length === 0) return 0; // nothing new: Prisma has applied what was pending
    const pgVersion = db ? await serverMajor(db) : undefined;
    for (const name of fresh) {
      const dir = join(project.migrationsDir, name);
      const path = join(dir, 'migration.sql');
      const original = readFileSync(path, 'utf8');
      const renames = db ? await probableRenames(original, db) : [];
      if (renames.length) {
        // Not applied yet: removing it keeps a later `prisma migrate dev` from dropping the data.
        rmSync(dir, { recursive: true, force: true });
        throw new ProbableRenameError(
          relative(io.cwd, path),
          renames,
          'The migration was not applied and its folder was removed.',
        );
      }
      const versionArgs = pgVersion ? ['--pg-version', String(pgVersion)] : [];
      const folders = new Set(folderNames(project.migrationsDir));
      const lint = await runLint(['--fix', ...versionArgs, path], io);
      withLockTimeout(path, pgVersion);
      const followUps = folderNames(project.migrationsDir).filter((n) => !folders.has(n));
      io.stdout.write(describeRewrite(io.cwd, path, original, followUps, project.migrationsDir));
      if (lint !== 0) {
        io.stderr.write(
          `ballast-prisma: ${relative(io.cwd, path)} still has error findings (above): it was NOT applied.\n  → change schema.prisma or edit the migration, or add \`-- ballast:ignore <rule> <reason>\` above the statement, then run ballast-prisma migrate dev again\n`,
        );
        return 1;
      }
    }
  } finally {
    await db?.close?.();
  }
  if (createOnly) return 0;
  // Prisma has already checked drift and data loss for the new migration (`--create-only`): apply
  // it the way production will, with `migrate deploy`.
  return runPrisma(['migrate', 'deploy', ...configArgs], io.cwd);
}

/** The SQL Prisma would generate now (`migrate diff` from the database to the schema), checked for renames. */
async function refuseRenames(
  db: Database,
  project: PrismaProjectConfig,
  configArgs: readonly string[],
  io: Io,
): Promise<void> {
  const diff = ['migrate', 'diff', '--from-config-datasource', '--to-schema', project.schemaPath, '--script'];
  const planned = await capturePrisma([...diff, ...configArgs], io.cwd);
  if (planned.code !== 0) return; // Prisma's own error comes again, and clearer, from migrate dev
  const renames = await probableRenames(planned.stdout, db);
  if (renames.length)
    throw new ProbableRenameError(
      relative(io.cwd, project.schemaPath),
      renames,
      'Nothing was created or applied.',
    );
}

function folderNames(migrationsDir: string): string[] {
  return existsSync(migrationsDir) ? prismaMigrationFolders(migrationsDir).map((f) => f.name) : [];
}

/** `--config x` or `--config=x`. */
function optionValue(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

/** The diff of the rewritten migration and the folders added after it, for the developer to review. */
function describeRewrite(
  cwd: string,
  path: string,
  original: string,
  followUps: readonly string[],
  migrationsDir: string,
): string {
  const now = readFileSync(path, 'utf8');
  if (now === original && followUps.length === 0)
    return `ballast-prisma: ${relative(cwd, path)} is safe as Prisma wrote it\n`;
  const parts = [
    `ballast-prisma: rewrote ${relative(cwd, path)} (the findings fixed are listed above):\n${lineDiff(original, now)}`,
  ];
  for (const name of followUps) {
    const file = join(migrationsDir, name, 'migration.sql');
    parts.push(
      `ballast-prisma: added ${relative(cwd, file)} (runs after it, in its own transaction or none):\n${lineDiff('', readFileSync(file, 'utf8'))}`,
    );
  }
  return parts.join('');
}
