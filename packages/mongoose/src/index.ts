export { InvalidOptionsError, VersionMismatchError, WriteConflictError } from './errors.js';
export {
  acquireMigrationLock,
  LOCKS_COLLECTION,
  type LockOptions,
  type MigrationLock,
  MigrationLockedError,
} from './lock.js';
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
