export {
  BACKUP_CATALOG,
  BACKUP_PREFIX,
  type BackupHelpers,
  type BackupSelector,
  dropCollectionWithBackup,
  listMongoBackups,
  type MongoBackupKind,
  type MongoBackupOptions,
  type MongoBackupRecord,
  type MongoBackupStatus,
  type MongoRestoreOptions,
  purgeMongoBackups,
  restoreMongoBackup,
  unsetFieldWithBackup,
} from './backups/index.js';
export { VersionMismatchError, WriteConflictError } from './errors.js';
export {
  type CreateIndexOptions,
  type CreateIndexResult,
  createIndex,
  DROP_WITHOUT_HIDING,
  type DropIndexOptions,
  type DropIndexResult,
  dropIndex,
  type IndexBuildProgress,
  type IndexDefinition,
  type IndexHelpers,
  type IndexKeys,
  type ProgressOutcome,
} from './indexes/index.js';
export { LOCKS_COLLECTION, mongoLockStore, withMongoLock } from './lock.js';
export type { MigrationContext, MigrationModule } from './migrations/files.js';
export { LEDGER_COLLECTION, type LedgerDocument } from './migrations/ledger.js';
export {
  MIGRATIONS_LOCK,
  MigrationFailedError,
  type MigrationStatus,
  migrationsStatus,
  type RunMigrationsOptions,
  runMigrations,
} from './migrations/run.js';
export {
  CHECKPOINTS_COLLECTION,
  type CheckpointDocument,
  type CheckpointStatus,
  migrationStatus,
} from './migrator/checkpoints.js';
export { type MigrateOptions, type MigrateResult, migrateCollection } from './migrator/migrate.js';
export { mongoReplicaLagThrottle, replicaLagMs } from './migrator/replica-lag.js';
export type { NewerDocument, VersionedOptions, VersionStep } from './options.js';
export { versioned, versioningOf } from './plugin.js';
export {
  type PromoteValidatorOptions,
  promoteValidator,
  removeValidator,
  stageValidator,
  type ValidatorHelpers,
  type ValidatorState,
  validatorOf,
} from './validators.js';
