export {
  BACKUP_CATALOG,
  BACKUP_SCHEMA,
  type BackupFilter,
  type BackupKind,
  type BackupOptions,
  type BackupRecord,
  type BackupSelector,
  type BackupStatus,
  backupColumn,
  backupTable,
  type ColumnRef,
  DEFAULT_RETENTION_DAYS,
  dropColumnWithBackup,
  dropTableWithBackup,
  listBackups,
  type PurgeOptions,
  purgeBackups,
  restoreBackup,
} from './backup/index.js';
export {
  type Database,
  type Dialect,
  pgSession,
  postgresDatabase,
  postgresDatabaseFromUrl,
  type Session,
} from './db.js';
export { quoteIdent, quoteLiteral, quoteQualified } from './dialects/quote.js';
export { BallastError, UnsafeOperationError, UnsupportedServerError, WrongContextError } from './errors.js';
export {
  type BackfillSpec,
  type BackfillStep,
  freezePlan,
  type LockMode,
  type Plan,
  type SqlStep,
  type Step,
  type TimeoutPolicy,
} from './plan.js';
export {
  consoleProgress,
  type ProgressEvent,
  type ProgressReporter,
  renderBar,
  silentProgress,
} from './report/progress.js';
