import type { mongo } from 'mongoose';
import { type CreateIndexOptions, createIndex } from './create.js';
import type { IndexKeys } from './definition.js';
import { type DropIndexOptions, dropIndex } from './drop.js';

/** `ctx.indexes` of a migration file: the index helpers bound to its database. */
export function indexHelpers(db: mongo.Db) {
  return {
    create: (collection: string, keys: IndexKeys, options?: CreateIndexOptions) =>
      createIndex(db, collection, keys, options),
    drop: (collection: string, name: string, options?: DropIndexOptions) =>
      dropIndex(db, collection, name, options),
  };
}

export type IndexHelpers = ReturnType<typeof indexHelpers>;
export { type CreateIndexOptions, type CreateIndexResult, createIndex } from './create.js';
export type { IndexDefinition, IndexKeys } from './definition.js';
export { DROP_WITHOUT_HIDING, type DropIndexOptions, type DropIndexResult, dropIndex } from './drop.js';
export type { IndexBuildProgress, ProgressOutcome } from './progress.js';
