import { ObjectConflictError } from '@ballast/core';
import { parseArgs } from '@ballast/core/adapter';
import type { mongo } from 'mongoose';
import { z } from 'zod';
import { isUnsupported, unsupported } from '../server.js';
import {
  defaultIndexName,
  describeIndex,
  type IndexDefinition,
  type IndexKeys,
  listIndexes,
  sameIndex,
  sameKeys,
} from './definition.js';
import { type IndexBuildProgress, type ProgressOutcome, watchIndexBuild } from './progress.js';

const keysSchema = z
  .record(z.string().min(1), z.union([z.literal(1), z.literal(-1), z.enum(['text', '2dsphere', 'hashed'])]))
  .refine((k) => Object.keys(k).length > 0, 'at least one key');

const optionsSchema = z.strictObject({
  /** Default: the server's name for the keys (`email_1`). */
  name: z.string().min(1).optional(),
  unique: z.boolean().optional(),
  sparse: z.boolean().optional(),
  partialFilterExpression: z.record(z.string(), z.unknown()).optional(),
  expireAfterSeconds: z.number().int().nonnegative().optional(),
  collation: z.record(z.string(), z.unknown()).optional(),
  /** Receives the build's progress from `currentOp`. */
  onProgress: z.custom<(p: IndexBuildProgress) => void>((v) => typeof v === 'function').optional(),
  /** How often `currentOp` is polled during the build. Default 1000 ms. */
  pollMs: z.number().int().positive().default(1000),
});

export type CreateIndexOptions = z.input<typeof optionsSchema>;

export interface CreateIndexResult {
  readonly name: string;
  /** `already-done`: an index of this name with the same keys and options was there. */
  readonly status: 'created' | 'already-done';
  readonly progress: ProgressOutcome | null;
}

/**
 * Creates an index, or finds it already done: an existing index is compared by definition (keys
 * in order and options), never by name alone. An index with the same name or the same keys but
 * another definition is refused with ObjectConflictError naming both (FerretDB would otherwise
 * report success for a unique index over the same keys as a plain one, and build nothing).
 */
export async function createIndex(
  db: mongo.Db,
  collection: string,
  keys: IndexKeys,
  options: CreateIndexOptions = {},
): Promise<CreateIndexResult> {
  const k = parseArgs(keysSchema, keys, 'createIndex keys') as IndexKeys;
  const { onProgress, pollMs, ...o } = parseArgs(optionsSchema, options, 'createIndex options');
  const requested: IndexDefinition = { ...o, name: o.name ?? defaultIndexName(k), key: k };
  const existing = await listIndexes(db, collection);
  const byName = existing.find((e) => e.name === requested.name);
  if (byName && sameIndex(byName, requested))
    return { name: requested.name, status: 'already-done', progress: null };
  const clash = byName ?? existing.find((e) => sameKeys(e, requested));
  if (clash) throw conflict(collection, clash, requested);
  const watch = watchIndexBuild(db, collection, requested.name, onProgress ?? (() => {}), pollMs);
  try {
    await db
      .collection(collection)
      .createIndex(k, { ...o, name: requested.name } as mongo.CreateIndexesOptions);
  } catch (error) {
    await watch.stop();
    if (isUnsupported(error))
      throw await unsupported(db, `cannot create index ${describeIndex(collection, requested)}`, error, {
        where: `${collection}.${requested.name}`,
        hint: 'drop the option the server does not implement, or run this migration on MongoDB',
      });
    throw error;
  }
  return { name: requested.name, status: 'created', progress: await watch.stop() };
}

function conflict(collection: string, existing: IndexDefinition, requested: IndexDefinition) {
  const there = describeIndex(collection, existing);
  const asked = describeIndex(collection, requested);
  const why = !sameKeys(existing, requested)
    ? 'has the same name but other keys'
    : sameIndex(existing, requested)
      ? 'is the same index under another name'
      : 'has the same keys but other options';
  return new ObjectConflictError(
    `cannot create index ${asked}: the existing index ${there} ${why}`,
    there,
    asked,
    {
      where: `${collection}.${existing.name}`,
      hint:
        existing.name === requested.name
          ? 'choose another name, or drop the existing index first (ctx.indexes.drop)'
          : `the server keeps one index per key pattern: drop ${existing.name} first (ctx.indexes.drop), or keep it and drop this step`,
    },
  );
}
