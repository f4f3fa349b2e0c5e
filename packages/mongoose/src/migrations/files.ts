import { readdir } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BallastError } from '@ballast/core';
import type { Connection, mongo } from 'mongoose';
import type { BackupHelpers } from '../backups/index.js';
import type { IndexHelpers } from '../indexes/index.js';
import type { migrateCollection } from '../migrator/migrate.js';
import type { ValidatorHelpers } from '../validators.js';

/** What `up` and `down` receive. */
export interface MigrationContext {
  readonly connection: Connection;
  readonly db: mongo.Db;
  /** The background migrator (batched, resumable): `ctx.migrateCollection(Model, options)`. */
  readonly migrateCollection: typeof migrateCollection;
  /** Index changes: `ctx.indexes.create(collection, keys, options)`, `ctx.indexes.drop(collection, name, options)`. */
  readonly indexes: IndexHelpers;
  /** `$jsonSchema` validators: `ctx.validators.stage(collection, schema)`, `.promote(collection, { version })`, `.remove(collection)`. */
  readonly validators: ValidatorHelpers;
  /**
   * Destructive changes with a backup first: `ctx.backups.unsetField(collection, field)`,
   * `ctx.backups.dropCollection(collection)`; `ctx.backups.restore()` in `down` puts back what this
   * migration backed up.
   */
  readonly backups: BackupHelpers;
}

export interface MigrationFile {
  readonly version: string;
  readonly path: string;
}

export interface MigrationModule {
  up(ctx: MigrationContext): Promise<void> | void;
  down?(ctx: MigrationContext): Promise<void> | void;
}

const EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs']);

/** Migration files of `dir`, in name order (name them so that order is the order to apply). */
export async function listMigrationFiles(dir: string): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => EXTENSIONS.has(extname(n)) && !n.endsWith('.d.ts'));
  return names.sort().map((n) => ({ version: n.slice(0, -extname(n).length), path: resolve(join(dir, n)) }));
}

export async function loadMigration(file: MigrationFile): Promise<MigrationModule> {
  const mod = (await import(pathToFileURL(file.path).href)) as Partial<MigrationModule>;
  if (typeof mod.up !== 'function') {
    throw new BallastError(`migration ${file.version} exports no up() function`, {
      where: file.path,
      hint: 'export async function up(ctx) { ... } (and down(ctx) to make it reversible)',
    });
  }
  return mod as MigrationModule;
}
