export {
  acquireMigrationLock,
  LOCKS_COLLECTION,
  type LockOptions,
  type MigrationLock,
  MigrationLockedError,
} from './lock.js';
