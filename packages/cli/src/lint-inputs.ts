/**
 * Paths → files to lint, each with how its runner uses transactions: plain .sql (none unless
 * --assume-in-transaction), Prisma migration.sql (one multi-statement query: implicit), Knex
 * migration files (wrapped unless the file exports config.transaction = false).
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import {
  BallastError,
  isPrismaMigrationFile,
  type LintDialect,
  type LintOptions,
  prismaDialect,
  prismaProvider,
} from '@ballast/core/lint';

export type InputKind = 'sql' | 'prisma' | 'knex';

export interface LintInput {
  readonly path: string;
  readonly kind: InputKind;
  readonly transaction: LintOptions['transaction'];
  /** Prisma: the dialect migration_lock.toml names, when it names one Ballast lints. */
  readonly dialect?: LintDialect;
}

/** What collectInputs found, and the Knex files a folder walk skipped because --knex was not given. */
export interface CollectedInputs {
  readonly inputs: LintInput[];
  readonly skippedKnex: readonly string[];
}

const KNEX_EXT = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);

/** prisma/migrations/<timestamp>_<name>/migration.sql (the layout lives in @ballast/core/translate/prisma.ts). */
export const isPrismaMigration = isPrismaMigrationFile;

/** A path that cannot be linted (missing, empty, of an unknown kind): printed, exit code 2. */
export class InputError extends BallastError {
  override readonly name = 'InputError';
}

export function collectInputs(
  paths: readonly string[],
  opts: { knex: boolean; assumeInTransaction: boolean },
): CollectedInputs {
  const out: LintInput[] = [];
  const skippedKnex: string[] = [];
  const visit = (path: string, explicit: boolean) => {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch {
      throw new InputError(`${path}: no such file or directory`);
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        if (entry === 'node_modules' || entry.startsWith('.')) continue;
        visit(join(path, entry), false);
      }
      return;
    }
    const ext = extname(path).toLowerCase();
    if (ext === '.sql') {
      const prisma = isPrismaMigration(path);
      const transaction = prisma ? 'implicit' : opts.assumeInTransaction ? 'wrapped' : 'none';
      const dialect = prisma ? prismaDialect(prismaProvider(dirname(dirname(path)))) : undefined;
      out.push({ path, kind: prisma ? 'prisma' : 'sql', transaction, ...(dialect ? { dialect } : {}) });
    } else if (KNEX_EXT.has(ext) && (opts.knex || explicit) && !path.endsWith('.d.ts')) {
      if (!opts.knex)
        throw new InputError(`${path}: Knex migration files need --knex (they are run to capture their SQL)`);
      out.push({ path, kind: 'knex', transaction: 'wrapped' });
    } else if (explicit) {
      throw new InputError(`${path}: not a .sql file, a directory, or (with --knex) a Knex migration`);
    } else if (KNEX_EXT.has(ext) && !path.endsWith('.d.ts')) {
      skippedKnex.push(path);
    }
  };
  for (const p of paths) visit(p, true);
  return { inputs: out, skippedKnex };
}
