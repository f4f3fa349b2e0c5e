/**
 * Data migrations: a `migration.ts` (or .mts/.js/.mjs) beside a migration.sql exports
 * `up({ backfill, prisma, db })`, run by `ballast-prisma migrate deploy` after that SQL. Each
 * `backfill()` call is a job of core's backfill engine named after the migration and the call's
 * rank, so a deploy killed mid-backfill resumes from its checkpoint: every row changed once.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type BackfillOptions,
  type BackfillResult,
  type BackfillSpec,
  BallastError,
  type Database,
  runBackfill,
} from '@ballast/core';
import { parseArgs, schemas } from '@ballast/core/adapter';
import { z } from 'zod';

/** What `up` receives. */
export interface DataMigrationContext {
  /**
   * core's `runBackfill` on this database; the job defaults to `prisma:<migration>:<n>` (n: the
   * call's rank in `up`), which is what makes a rerun resume instead of starting over.
   */
  readonly backfill: (spec: BackfillSpec, options?: BackfillOptions) => Promise<BackfillResult>;
  /** A PrismaClient (the project's `@prisma/client` through `@prisma/adapter-pg`), created on first use. */
  readonly prisma: unknown;
  /** core's Database on the migrated database (`db.withSession(s => s.query(sql, params))`). */
  readonly db: Database;
  /** The migration folder's name. */
  readonly migration: string;
}

export type DataMigrationUp = (context: DataMigrationContext) => Promise<void> | void;

/** A data migration cannot be loaded, exports no `up`, or failed to create its PrismaClient. */
export class DataMigrationError extends BallastError {
  override readonly name = 'DataMigrationError';
}

const EXTENSIONS = ['ts', 'mts', 'js', 'mjs'] as const;

/** The data migration beside `migration.sql`, if there is one (two are refused: which would run?). */
export function dataMigrationFile(sqlPath: string): string | undefined {
  const found = EXTENSIONS.map((e) => join(dirname(sqlPath), `migration.${e}`)).filter((p) => existsSync(p));
  if (found.length > 1)
    throw new DataMigrationError(`${dirname(sqlPath)} holds ${found.length} data migrations`, {
      where: dirname(sqlPath),
      hint: `keep one of ${found.map((f) => f.slice(dirname(sqlPath).length + 1)).join(', ')}`,
    });
  return found[0];
}

const moduleShape = z.looseObject({
  up: schemas.fn<DataMigrationUp>('a function up({ backfill, prisma, db })'),
});

/** Loads the module (TypeScript through tsx, no compile step) and checks its `up` export. */
export async function loadDataMigration(file: string): Promise<DataMigrationUp> {
  let loaded: unknown;
  try {
    const url = pathToFileURL(file).href;
    if (/\.m?ts$/.test(file)) {
      const { tsImport } = await import('tsx/esm/api');
      loaded = await tsImport(url, import.meta.url);
    } else loaded = await import(url);
  } catch (cause) {
    throw new DataMigrationError(`cannot load the data migration ${file}: ${(cause as Error).message}`, {
      where: file,
      cause,
      hint: 'fix the module so that `node` can import it (TypeScript is loaded with tsx, without type checking), then deploy again',
    });
  }
  return parseArgs(moduleShape, loaded, `${file} exports`).up;
}

/** Runs `up`; the PrismaClient it may have created is disconnected whatever happens. */
export async function runDataMigration(
  up: DataMigrationUp,
  migration: string,
  db: Database,
  project: { readonly dir: string; readonly databaseUrl: string },
): Promise<void> {
  let rank = 0;
  let client: { $disconnect(): Promise<void> } | undefined;
  const context: DataMigrationContext = {
    migration,
    db,
    backfill: (spec, options = {}) => {
      rank += 1;
      return runBackfill(db, spec, { job: `prisma:${migration}:${rank}`, ...options });
    },
    get prisma() {
      client ??= prismaClient(project.dir, project.databaseUrl, migration);
      return client;
    },
  };
  try {
    await up(context);
  } finally {
    await client?.$disconnect();
  }
}

/** The project's own generated client: Prisma 7 needs a driver adapter to connect. */
function prismaClient(dir: string, url: string, migration: string): { $disconnect(): Promise<void> } {
  const require = createRequire(join(dir, 'package.json'));
  try {
    const { PrismaClient } = require('@prisma/client') as {
      PrismaClient: new (o: object) => { $disconnect(): Promise<void> };
    };
    const { PrismaPg } = require('@prisma/adapter-pg') as { PrismaPg: new (o: object) => object };
    return new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  } catch (cause) {
    throw new DataMigrationError(
      `${migration}: the data migration uses \`prisma\`, but no PrismaClient could be created from ${dir}: ${(cause as Error).message}`,
      {
        where: migration,
        cause,
        hint: 'install @prisma/client and @prisma/adapter-pg and run `prisma generate` (generator prisma-client-js), or use `db` and `backfill` instead',
      },
    );
  }
}
