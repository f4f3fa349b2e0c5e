/**
 * `ballast-prisma migrate deploy`: applies the pending migrations with core's runner (lock
 * timeouts with jittered retries that name the blockers, CONCURRENTLY outside transactions, a
 * journal so a crashed deploy resumes) while holding Prisma's advisory lock and writing
 * `_prisma_migrations` as Prisma does.
 */
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { BallastError, type Database, postgresDatabaseFromUrl, runPlan } from '@ballast/core';
import { loadPgParser } from '@ballast/core/lint';
import type { Io } from './command.js';
import { loadPrismaProject, type PrismaProjectConfig } from './config.js';
import { dataMigrationFile, loadDataMigration, runDataMigration } from './data-migration.js';
import { migrationPlan } from './deploy-plan.js';
import { migrationStates } from './migrations.js';
import {
  checkContract,
  DEFAULT_CONTRACT_AFTER,
  expandOf,
  migrationPhase,
  parseContractAfter,
} from './phase.js';
import {
  ensurePrismaTable,
  failRow,
  finishRow,
  inProgressRow,
  PRISMA_ADVISORY_LOCK,
  startRow,
} from './prisma-table.js';

/** A migration failed earlier (by Prisma or by us): Prisma and Ballast both stop there. */
export class FailedMigrationError extends BallastError {
  override readonly name = 'FailedMigrationError';
}

export async function migrateDeploy(args: readonly string[], io: Io): Promise<number> {
  const options = deployOptions(args);
  const project = await loadPrismaProject(io.cwd, options.config);
  if (!project.databaseUrl)
    throw new BallastError(`${project.configFile} names no datasource url`, {
      where: project.configFile,
      hint: 'set datasource.url in prisma.config.ts (e.g. env("DATABASE_URL"))',
    });
  await loadPgParser();
  const db = postgresDatabaseFromUrl(project.databaseUrl, { max: 4 });
  try {
    const applied = await withPrismaLock(db, () => applyPending(db, project, options.contractAfterMs, io));
    io.stdout.write(
      applied.length
        ? `ballast-prisma: applied ${applied.length} migration(s):\n${applied.map((n) => `  ${n}\n`).join('')}`
        : 'ballast-prisma: no pending migrations to apply.\n',
    );
    return 0;
  } finally {
    await db.close?.();
  }
}

interface DeployOptions {
  readonly config: string | undefined;
  readonly contractAfterMs: number;
}

function deployOptions(args: readonly string[]): DeployOptions {
  let values: { config?: string; 'contract-after'?: string };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { config: { type: 'string' }, 'contract-after': { type: 'string' } },
      strict: true,
    }));
  } catch (err) {
    throw new BallastError(`migrate deploy: ${(err as Error).message.split('. ')[0]}`, {
      where: 'ballast-prisma migrate deploy',
      hint: 'options: --config <prisma.config.ts>, --contract-after <duration>',
    });
  }
  const after = values['contract-after'] ?? process.env.BALLAST_CONTRACT_AFTER ?? DEFAULT_CONTRACT_AFTER;
  return { config: values.config, contractAfterMs: parseContractAfter(after) };
}

/** Prisma's own lock, on a session held for the whole deploy: Prisma Migrate waits for us and we for it. */
async function withPrismaLock<T>(db: Database, fn: () => Promise<T>): Promise<T> {
  return db.withSession(async (s) => {
    await s.query('select pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    try {
      return await fn();
    } finally {
      await s.query('select pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]);
    }
  });
}

async function applyPending(
  db: Database,
  project: PrismaProjectConfig,
  contractAfterMs: number,
  io: Io,
): Promise<string[]> {
  await db.withSession(ensurePrismaTable);
  const applied: string[] = [];
  const states = await migrationStates(db, project.migrationsDir);
  const migrations = states.map((s) => s.migration);
  for (const [index, state] of states.entries()) {
    const { migration } = state;
    if (state.status === 'applied' || state.status === 'modified') continue;
    const phase = migrationPhase(migration);
    // A resumed contract was allowed when it started: only a new one waits for its expand.
    if (phase?.kind === 'contract' && state.status === 'pending') {
      const expand = expandOf(migrations, index, phase);
      await db.withSession((s) => checkContract(s, migration, expand, contractAfterMs));
    }
    let id: string | undefined;
    if (state.status === 'failed') {
      id = await db.withSession((s) => inProgressRow(s, migration.name));
      if (!id)
        throw new FailedMigrationError(
          `migration ${migration.name} failed earlier: ${state.logs ?? ''}`.trim(),
          {
            where: migration.path,
            hint: `fix the cause, then \`prisma migrate resolve --rolled-back ${migration.name}\` (or --applied if you finished it by hand), and deploy again`,
          },
        );
      io.stderr.write(`ballast-prisma: resuming ${migration.name} (a previous deploy stopped in it)\n`);
    }
    // Loaded before the row is written: a module that cannot load leaves nothing to resolve.
    const dataFile = dataMigrationFile(migration.path);
    const up = dataFile ? await loadDataMigration(dataFile) : undefined;
    id ??= await db.withSession((s) => startRow(s, migration.name, migration.checksum));
    try {
      await runPlan(db, migrationPlan(migration.name, migration.sql), {
        migration: `prisma:${migration.name}`,
        log: (line) => io.stderr.write(`ballast-prisma: ${line}\n`),
      });
      // After its SQL, in the same row: the migration is finished only when its data is.
      if (up)
        await runDataMigration(up, migration.name, db, {
          dir: dirname(project.configFile),
          databaseUrl: project.databaseUrl!,
        });
    } catch (err) {
      const rowId = id;
      await db.withSession((s) => failRow(s, rowId, (err as Error).message));
      throw err;
    }
    const rowId = id;
    await db.withSession((s) => finishRow(s, rowId));
    applied.push(migration.name);
  }
  return applied;
}
