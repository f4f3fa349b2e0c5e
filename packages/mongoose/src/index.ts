export { InvalidOptionsError, VersionMismatchError, WriteConflictError } from './errors.js';
export {
  acquireMigrationLock,
  LOCKS_COLLECTION,
  type LockOptions,
  type MigrationLock,
  MigrationLockedError,
} from './lock.js';
export type { NewerDocument, VersionedOptions, VersionStep } from './options.js';
export { versioned, versioningOf } from './plugin.js';
