/**
 * Prisma Migrate's folder layout, in one place for `ballast lint` and the Prisma wrapper:
 * `<migrations>/<timestamp>_<name>/migration.sql`, applied in name order, beside
 * `migration_lock.toml` which names the provider.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { LintDialect } from '../lint/types.js';

export const PRISMA_MIGRATION_FILE = 'migration.sql';
export const PRISMA_LOCK_FILE = 'migration_lock.toml';

export interface PrismaMigrationFolder {
  /** The folder name, `<timestamp>_<name>`: `_prisma_migrations.migration_name`. */
  readonly name: string;
  readonly dir: string;
  /** `<dir>/migration.sql`. */
  readonly path: string;
}

/**
 * A migrations folder: it holds the lock file, or is named `migrations` (Prisma's default; an
 * older project may lack the lock file).
 */
export const isPrismaMigrationsDir = (dir: string) =>
  existsSync(join(dir, PRISMA_LOCK_FILE)) || basename(dir) === 'migrations';

/** `<migrations>/<folder>/migration.sql`. */
export const isPrismaMigrationFile = (path: string) =>
  basename(path) === PRISMA_MIGRATION_FILE && isPrismaMigrationsDir(dirname(dirname(path)));

/** The migration folders in the order Prisma applies them (by name: the timestamp comes first). */
export function prismaMigrationFolders(migrationsDir: string): PrismaMigrationFolder[] {
  return readdirSync(migrationsDir)
    .filter((name) => statSync(join(migrationsDir, name)).isDirectory())
    .sort()
    .map((name) => ({
      name,
      dir: join(migrationsDir, name),
      path: join(migrationsDir, name, PRISMA_MIGRATION_FILE),
    }))
    .filter((m) => existsSync(m.path));
}

/** The provider in migration_lock.toml (`postgresql`, `mysql`, …), or undefined without one. */
export function prismaProvider(migrationsDir: string): string | undefined {
  const lock = join(migrationsDir, PRISMA_LOCK_FILE);
  if (!existsSync(lock)) return undefined;
  return /^\s*provider\s*=\s*"([^"]+)"/m.exec(readFileSync(lock, 'utf8'))?.[1];
}

/** The lint dialect of a Prisma provider; undefined for providers Ballast does not lint. */
export function prismaDialect(provider: string | undefined): LintDialect | undefined {
  if (provider === 'postgresql' || provider === 'postgres') return 'postgres';
  if (provider === 'mysql') return 'mysql';
  return undefined;
}

/**
 * The n-th (1-based) extra migration folder that must run right after `migrationDir`:
 * `<folder>_ballast_01` sorts after `<folder>` and before the next timestamp.
 */
export const followUpMigrationDir = (migrationDir: string, n: number) =>
  join(dirname(migrationDir), `${basename(migrationDir)}_ballast_${String(n).padStart(2, '0')}`);
