import { BallastError } from '@ballast/core';
import { parseArgs } from '@ballast/core/adapter';
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { backupHelpers } from '../backups/index.js';
import { indexHelpers } from '../indexes/index.js';
import { withMongoLock } from '../lock.js';
import { migrateCollection } from '../migrator/migrate.js';
import { validatorHelpers } from '../validators.js';
import { listMigrationFiles, loadMigration, type MigrationContext, type MigrationFile } from './files.js';
import { ledger, record } from './ledger.js';

/** The lock name all `runMigrations` calls on one database share. */
export const MIGRATIONS_LOCK = 'ballast-mongo-migrations';

const optionsSchema = z.strictObject({
  /** Folder of migration files. */
  dir: z.string().min(1),
  direction: z.enum(['up', 'down']).default('up'),
  /** Down: how many applied migrations to revert, newest first. Default 1. */
  steps: z.number().int().positive().default(1),
  /** Lock expiry without heartbeat (a killed runner's lock is taken over after it). Default 60 s. */
  lockTtlMs: z.number().int().positive().default(60_000),
  /** How long to wait for another runner's lock before LockedError. Default 0: refuse at once. */
  lockWaitMs: z.number().int().nonnegative().default(0),
});

export type RunMigrationsOptions = z.input<typeof optionsSchema>;

/** A migration's up or down threw; the ledger records it (`success: false`) for up. */
export class MigrationFailedError extends BallastError {
  override readonly name = 'MigrationFailedError';
  constructor(
    readonly version: string,
    readonly direction: 'up' | 'down',
    cause: unknown,
  ) {
    super(`migration ${version} failed (${direction}): ${(cause as Error).message}`, {
      where: version,
      hint: 'fix the migration (or the data), then run again: migrations applied before it stay applied',
      cause,
    });
  }
}

export interface MigrationStatus {
  readonly version: string;
  readonly applied: boolean;
  readonly appliedAt?: Date;
  readonly success?: boolean;
  readonly error?: string | null;
}

/** Every migration file of `dir` with its ledger entry, in order. */
export async function migrationsStatus(connection: Connection, dir: string): Promise<MigrationStatus[]> {
  const files = await listMigrationFiles(dir);
  const entries = await ledger(connection.db!).find().toArray();
  const byVersion = new Map(entries.map((e) => [e._id, e]));
  return files.map((f) => {
    const e = byVersion.get(f.version);
    return e
      ? {
          version: f.version,
          applied: e.success,
          appliedAt: e.applied_at,
          success: e.success,
          error: e.error_message,
        }
      : { version: f.version, applied: false };
  });
}

/**
 * Applies the pending migration files in order (or reverts the newest applied ones) under the
 * migration lock; returns the versions it ran. See packages/mongoose/README.md.
 */
export async function runMigrations(
  connection: Connection,
  options: RunMigrationsOptions,
): Promise<string[]> {
  const o = parseArgs(optionsSchema, options, 'runMigrations options');
  await connection.asPromise();
  const db = connection.db!;
  const ctx: Omit<MigrationContext, 'backups'> = {
    connection,
    db,
    migrateCollection,
    indexes: indexHelpers(db),
    validators: validatorHelpers(db),
  };
  return withMongoLock(connection, MIGRATIONS_LOCK, () => runFiles(ctx, o), {
    ttlMs: o.lockTtlMs,
    waitMs: o.lockWaitMs,
  });
}

async function runFiles(
  ctx: Omit<MigrationContext, 'backups'>,
  o: z.output<typeof optionsSchema>,
): Promise<string[]> {
  const { connection, db } = ctx;
  const ran: string[] = [];
  const status = await migrationsStatus(connection, o.dir);
  const files = await listMigrationFiles(o.dir);
  const fileOf = (v: string) => files.find((f) => f.version === v) as MigrationFile;
  const todo =
    o.direction === 'up'
      ? status.filter((s) => !s.applied)
      : status
          .filter((s) => s.applied)
          .reverse()
          .slice(0, o.steps);
  const modules = await Promise.all(todo.map((s) => loadMigration(fileOf(s.version))));
  // Refuse a down that cannot finish before reverting anything.
  const irreversible = todo.filter((_, i) => o.direction === 'down' && !modules[i]!.down);
  if (irreversible.length > 0) {
    throw new BallastError(
      `cannot revert ${irreversible.map((s) => s.version).join(', ')}: no down() exported`,
      {
        where: o.dir,
        hint: 'add down(ctx) to the migration, or restore from a backup',
      },
    );
  }
  for (const [i, s] of todo.entries()) {
    const started = performance.now();
    try {
      const own: MigrationContext = { ...ctx, backups: backupHelpers(db, s.version) };
      if (o.direction === 'up') await modules[i]!.up(own);
      else await modules[i]!.down!(own);
    } catch (error) {
      if (o.direction === 'up') {
        await record(db, {
          _id: s.version,
          applied_at: new Date(),
          execution_time_ms: Math.round(performance.now() - started),
          success: false,
          error_message: (error as Error).message,
        });
      }
      throw new MigrationFailedError(s.version, o.direction, error);
    }
    if (o.direction === 'up') {
      await record(db, {
        _id: s.version,
        applied_at: new Date(),
        execution_time_ms: Math.round(performance.now() - started),
        success: true,
        error_message: null,
      });
    } else {
      await ledger(db).deleteOne({ _id: s.version });
    }
    ran.push(s.version);
  }
  return ran;
}
