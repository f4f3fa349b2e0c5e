/**
 * @ballast/core's public API for users: planners, the runner, backfills, backups, expand/contract,
 * progress and every error. Building blocks for adapters (validation, quoting, step builders, the
 * batch loop, dialect runtimes) are in `@ballast/core/adapter`; the linter in `@ballast/core/lint`;
 * SQL → Plan in `@ballast/core/translate`.
 */

export {
  type BackfillWorkerOptions,
  type BackfillWorkerResult,
  type BackfillWorkerStatus,
  backfillWorkers,
  type DistributedBackfillOptions,
  type DistributedBackfillStart,
  runBackfillWorker,
  startDistributedBackfill,
} from './backfill/distributed/index.js';
export {
  BACKFILL_DEFAULTS,
  BackfillError,
  type BackfillJobState,
  type BackfillJobStatus,
  type BackfillOptions,
  type BackfillResult,
  type BatchReport,
  backfillStatus,
  CheckpointConflictError,
  type PauseRecord,
  type RowTransform,
  requestBackfill,
  runBackfill,
  type Throttle,
  type ThrottleAdvice,
  type ThrottleContext,
} from './backfill/index.js';
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
  type DropWithBackupOptions,
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
  postgresDatabase,
  postgresDatabaseFromUrl,
  type Session,
} from './db.js';
export { mysqlDatabaseFromUrl } from './dialects/mysql/database.js';
export {
  type MysqlServerInfo,
  type PgCapabilities,
  type PgServerInfo,
  readServerInfo,
  type ServerInfo,
  serverInfoFor,
} from './dialects/server.js';
export { type TableRef, tableRef } from './dialects/table-ref.js';
export {
  type ArgumentProblem,
  BallastError,
  ColumnNotFoundError,
  IdentifierTooLongError,
  InvalidArgumentError,
  LeftInForceError,
  LockedError,
  LockTimeoutError,
  MissingDependencyError,
  type MissingPrivilege,
  ObjectConflictError,
  PrivilegeError,
  StepFailedError,
  TableNotFoundError,
  UnsafeOperationError,
  UnsupportedServerError,
  WrongContextError,
} from './errors.js';
export {
  type ContractInput,
  planContract,
} from './expand/contract.js';
export {
  type ChangeColumnTypeRequest,
  type ContractOptions,
  type ContractResult,
  changeColumnType,
  contract,
  EXPANSIONS_TABLE,
  type ExpandOptions,
  type ExpansionFilter,
  type ExpansionKind,
  type ExpansionRecord,
  pendingContractions,
  type RenameColumnRequest,
  renameColumn,
  undoContract,
  undoExpand,
} from './expand/index.js';
export { requireNoMysqlExpansionOn } from './expand/mysql/guards.js';
export {
  VerificationMismatchError,
  type VerifyOptions,
  type VerifyResult,
  verifyExpansion,
} from './expand/shadow-verify.js';
export {
  planUndoContract,
  type UndoContractInput,
} from './expand/undo-contract.js';
export { VERIFICATIONS_TABLE, type VerificationRecord } from './expand/verifications.js';
export {
  changeColumnTypeMysql,
  renameColumnMysql,
  setNotNullMysql,
  undoChangeColumnTypeMysql,
} from './online-copy/columns.js';
export {
  ChecksumMismatchError,
  COPY_VIA,
  type MysqlCredentials,
  type OnlineCopyOptions,
  type OnlineCopyReport,
  type OnlineCopySpec,
  onlineCopy,
  PtOnlineSchemaChangeError,
} from './online-copy/index.js';
export {
  type AddCheckInput,
  planAddCheck,
} from './ops/add-check.js';
export {
  type AddColumnInput,
  type ColumnDefault,
  planAddColumn,
} from './ops/add-column.js';
export {
  type AddForeignKeyInput,
  planAddForeignKey,
} from './ops/add-foreign-key.js';
export {
  type AddPrimaryKeyInput,
  planAddPrimaryKey,
} from './ops/add-primary-key.js';
export {
  type AddUniqueInput,
  planAddUnique,
} from './ops/add-unique.js';
export {
  type BackfillInput,
  planBackfill,
} from './ops/backfill.js';
export {
  type ChangeColumnTypeInput,
  planChangeColumnType,
} from './ops/change-column-type.js';
export {
  type CreateIndexInput,
  planCreateIndex,
} from './ops/create-index.js';
export {
  type DropColumnInput,
  planDropColumn,
} from './ops/drop-column.js';
export {
  type DropIndexInput,
  planDropIndex,
} from './ops/drop-index.js';
export {
  type DropTableInput,
  planDropTable,
} from './ops/drop-table.js';
export {
  planRenameColumn,
  type RenameColumnInput,
} from './ops/rename-column.js';
export {
  planSetNotNull,
  type SetNotNullInput,
} from './ops/set-not-null.js';
export type {
  BackfillSpec,
  BackfillStep,
  BackupSpec,
  BackupStep,
  LockMode,
  Plan,
  Requirement,
  SqlStep,
  Step,
  TimeoutPolicy,
  UndoSpec,
} from './plan.js';
export {
  type ConsoleProgressOptions,
  consoleProgress,
  type FinishEvent,
  type ProgressEvent,
  type ProgressReporter,
  silentProgress,
} from './report/progress.js';
export {
  type CheckVerdict,
  DEFAULT_WAVES,
  type GateContext,
  type HealthCheck,
  type HealthGate,
  ROLLOUT_TARGETS_TABLE,
  ROLLOUTS_TABLE,
  RolloutHaltedError,
  type RolloutMigrator,
  type RolloutOptions,
  type RolloutState,
  type RolloutStatus,
  type RolloutTargetState,
  readRollouts,
  runRollout,
  type TargetStatus,
  targetKey,
  type WaveSize,
  waveSizes,
} from './rollout/index.js';
export {
  type SetupOptions,
  setupSql,
} from './run/bookkeeping.js';
export { withMigratorLock } from './run/migrator-lock.js';
export {
  type MigratorLockOptions,
  type RetryOptions,
  RUN_DEFAULTS,
  type RunOptions,
  type RunReport,
  type StepReport,
  type StepStatus,
} from './run/options.js';
export { runPlan } from './run/run-plan.js';
export {
  loadPgParser,
  type PlannedStatement,
  type SafeStatement,
  type TranslatedStatement,
  type TranslateOptions,
  type Translation,
  translateSql,
  type UntranslatableStatement,
} from './translate/index.js';
