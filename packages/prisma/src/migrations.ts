import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { BallastError, type Database } from '@ballast/core';
import { prismaMigrationFolders } from '@ballast/core/translate';

/** One folder of prisma/migrations: `<timestamp>_<name>/migration.sql`. */
export interface PrismaMigration {
  readonly name: string;
  readonly path: string;
  readonly sql: string;
  /** What Prisma stores in `_prisma_migrations.checksum`: sha256 of the file, hex. */
  readonly checksum: string;
}

export type MigrationState =
  | { readonly migration: PrismaMigration; readonly status: 'pending' }
  | { readonly migration: PrismaMigration; readonly status: 'applied'; readonly finishedAt: Date }
  | { readonly migration: PrismaMigration; readonly status: 'failed'; readonly logs: string | null }
  /** Applied, but the file changed since: Prisma will refuse to continue. */
  | { readonly migration: PrismaMigration; readonly status: 'modified'; readonly appliedChecksum: string };

export function readPrismaMigrations(migrationsDir: string): PrismaMigration[] {
  if (!existsSync(migrationsDir)) {
    throw new BallastError(`no Prisma migrations folder at ${migrationsDir}`, {
      where: migrationsDir,
      hint: 'pass the folder that holds <timestamp>_<name>/migration.sql (usually prisma/migrations)',
    });
  }
  return prismaMigrationFolders(migrationsDir).map(({ name, path }) => {
    const sql = readFileSync(path, 'utf8');
    return { name, path, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

interface PrismaMigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

/**
 * Compares the migrations folder with `_prisma_migrations`. Ballast rewrites a migration.sql
 * only while it is `pending`: once applied, Prisma's stored checksum pins its content.
 */
export async function migrationStates(db: Database, migrationsDir: string): Promise<MigrationState[]> {
  const migrations = readPrismaMigrations(migrationsDir);
  const rows = await db.withSession(async (session) => {
    const [exists] = await session.query<{ present: boolean }>(
      "select to_regclass('_prisma_migrations') is not null as present",
    );
    if (!exists?.present) return [] as PrismaMigrationRow[];
    return session.query<PrismaMigrationRow>(
      'select migration_name, checksum, finished_at, rolled_back_at, logs from _prisma_migrations where rolled_back_at is null',
    );
  });
  const byName = new Map(rows.map((r) => [r.migration_name, r]));
  return migrations.map((migration): MigrationState => {
    const row = byName.get(migration.name);
    if (!row) return { migration, status: 'pending' };
    if (!row.finished_at) return { migration, status: 'failed', logs: row.logs };
    if (row.checksum !== migration.checksum)
      return { migration, status: 'modified', appliedChecksum: row.checksum };
    return { migration, status: 'applied', finishedAt: row.finished_at };
  });
}
