import type { mongo } from 'mongoose';
import { dropCollectionWithBackup } from './drop-collection.js';
import { type MongoRestoreOptions, restoreMongoBackup } from './restore.js';
import { type MongoBackupOptions, unsetFieldWithBackup } from './unset-field.js';

/**
 * `ctx.backups` of a migration file: the backups it makes carry its version, so
 * `ctx.backups.restore()` in its `down()` finds them.
 */
export function backupHelpers(db: mongo.Db, migration: string) {
  const withMigration = (o: MongoBackupOptions = {}) => ({ migration, ...o });
  return {
    unsetField: (collection: string, field: string, options?: MongoBackupOptions) =>
      unsetFieldWithBackup(db, collection, field, withMigration(options)),
    dropCollection: (collection: string, options?: MongoBackupOptions) =>
      dropCollectionWithBackup(db, collection, withMigration(options)),
    /** Restores every backup this migration made, newest first. */
    restore: (options?: MongoRestoreOptions) => restoreMongoBackup(db, { migration }, options),
  };
}

export type BackupHelpers = ReturnType<typeof backupHelpers>;
export {
  BACKUP_CATALOG,
  BACKUP_PREFIX,
  type MongoBackupKind,
  type MongoBackupRecord,
  type MongoBackupStatus,
} from './catalog.js';
export { dropCollectionWithBackup } from './drop-collection.js';
export { listMongoBackups, purgeMongoBackups } from './purge.js';
export { type BackupSelector, type MongoRestoreOptions, restoreMongoBackup } from './restore.js';
export { type MongoBackupOptions, unsetFieldWithBackup } from './unset-field.js';
