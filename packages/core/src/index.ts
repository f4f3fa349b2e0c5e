export {
  BACKFILL_DEFAULTS,
  BackfillError,
  type BackfillJobStatus,
  type BackfillOptions,
  type BackfillResult,
  type BackfillSource,
  type BatchReport,
  backfillStatus,
  CHECKPOINT_TABLE,
  CheckpointConflictError,
  defaultJobName,
  type LoopTuning,
  loopOptionsOf,
  maxReplicaLagMs,
  type PauseRecord,
  type RowTransform,
  replicaLagThrottle,
  runBackfill,
  runBatchLoop,
  type Throttle,
  type ThrottleAdvice,
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
  pgSession,
  postgresDatabase,
  postgresDatabaseFromUrl,
  type Session,
} from './db.js';
export { type CatalogProbe, relationName, type TableRef } from './dialects/postgres/catalog.js';
export { conflictingLocks, PG_TABLE_LOCKS, type PgTableLock } from './dialects/postgres/locks.js';
export { maskLiterals } from './dialects/postgres/mask.js';
export {
  checksumTables,
  type SchemaSnapshot,
  snapshotSchema,
  type TableSnapshot,
} from './dialects/postgres/snapshot.js';
export { quoteIdent, quoteLiteral, quoteQualified } from './dialects/quote.js';
export type { DialectRuntime, ErrorKind } from './dialects/runtime.js';
export { runtimeOf } from './dialects/runtime-of.js';
export {
  type MysqlServerInfo,
  mysqlServerInfo,
  type PgCapabilities,
  type PgServerInfo,
  pgCapabilities,
  readServerInfo,
  requireDialect,
  type ServerInfo,
  serverInfoFor,
} from './dialects/server.js';
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
export { type ContractInput, planContract } from './expand/contract.js';
export {
  type ChangeColumnTypeRequest,
  type ColumnFacts,
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
  readColumnFacts,
  renameColumn,
  undoContract,
  undoExpand,
} from './expand/index.js';
export { planUndoContract, type UndoContractInput } from './expand/undo-contract.js';
export type {
  ColumnExpectation,
  ConstraintExpectation,
  Expectation,
  IndexExpectation,
} from './expect.js';
export {
  DEFAULT_OPTIONS as DEFAULT_LINT_OPTIONS,
  type FileReport,
  type Finding,
  type FixedFile,
  type FixedStatement,
  type FixedStep,
  formatReport,
  type LintDialect,
  type LintOptions,
  type LintResult,
  lintOptions,
  loadPgParser,
  type MysqlServer,
  OUTPUT_FORMATS,
  type OutputFormat,
  parseMysqlVersion,
  parsePgVersion,
  RULES,
  RULES_BY_ID,
  type Rule,
  type RuleFix,
  renderFixedFile,
  type Severity,
} from './lint/index.js';
// The root entry loads core/translate anyway: its lintSql always plans fixes.
export { lintSql } from './lint/lint.js';
export { type AddCheckInput, planAddCheck } from './ops/add-check.js';
export { type AddColumnInput, type ColumnDefault, planAddColumn } from './ops/add-column.js';
export { type AddForeignKeyInput, planAddForeignKey } from './ops/add-foreign-key.js';
export { type AddPrimaryKeyInput, planAddPrimaryKey } from './ops/add-primary-key.js';
export { type AddUniqueInput, planAddUnique } from './ops/add-unique.js';
export { type BackfillInput, backfillStep, planBackfill } from './ops/backfill.js';
export { type ChangeColumnTypeInput, planChangeColumnType } from './ops/change-column-type.js';
export {
  type ConcurrentIndexSpec,
  createIndexConcurrentlyStep,
  defaultIndexName,
  dropIndexConcurrentlyStep,
} from './ops/concurrent-index.js';
export { type CreateIndexInput, planCreateIndex } from './ops/create-index.js';
export { type DropColumnInput, droppedColumnName, planDropColumn } from './ops/drop-column.js';
export { type DropIndexInput, planDropIndex } from './ops/drop-index.js';
export { type DropTableInput, droppedTableName, planDropTable } from './ops/drop-table.js';
export { planRenameColumn, type RenameColumnInput } from './ops/rename-column.js';
export { planSetNotNull, type SetNotNullInput } from './ops/set-not-null.js';
export {
  defaultVolatility,
  KNOWN_NON_VOLATILE_FUNCTIONS,
  KNOWN_VOLATILE_FUNCTIONS,
} from './ops/volatility.js';
export {
  type BackfillSpec,
  type BackfillStep,
  type BackupSpec,
  type BackupStep,
  freezePlan,
  type LockMode,
  type Plan,
  type Requirement,
  type SqlStep,
  type Step,
  type TimeoutPolicy,
  type UndoSpec,
  undoWith,
} from './plan.js';
export {
  consoleProgress,
  type ProgressEvent,
  type ProgressReporter,
  renderBar,
  silentProgress,
} from './report/progress.js';
export {
  BOOKKEEPING,
  type BookkeepingName,
  type Needs,
  requirePrivileges,
  type SetupOptions,
  setupSql,
} from './run/bookkeeping.js';
export { withMigratorLock } from './run/migrator-lock.js';
export { notifyStep, observeSteps, type StepObserver } from './run/observe.js';
export {
  type MigratorLockOptions,
  type RetryOptions,
  RUN_DEFAULTS,
  type RunOptions,
  type RunReport,
  type StepReport,
  type StepStatus,
} from './run/options.js';
export { backoffDelayMs } from './run/retry.js';
export { runPlan } from './run/run-plan.js';
export {
  type PlannedStatement,
  type SafeStatement,
  type TranslatedStatement,
  type TranslateOptions,
  type Translation,
  translateSql,
  type UntranslatableStatement,
} from './translate/index.js';
export { parseArgs, parseCall, schemas, showValue } from './validate/index.js';
