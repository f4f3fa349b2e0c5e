/**
 * `@ballast/core/adapter`: what the Knex, Prisma and Mongoose adapters and the CLI build on —
 * argument validation, identifier/literal quoting, step builders, the storage-agnostic batch loop,
 * dialect runtimes, the schema snapshot and the step observer. Not needed to write migrations.
 */
export {
  type BackfillSource,
  type BatchReport,
  CHECKPOINT_TABLE,
  defaultJobName,
  type LoopTuning,
  loopOptionsOf,
  maxReplicaLagMs,
  type PauseRecord,
  replicaLagThrottle,
  runBatchLoop,
  type Throttle,
  type ThrottleAdvice,
} from './backfill/index.js';
export { pgSession } from './db.js';
export { renderMysqlParams } from './dialects/mysql/params.js';
export type { CatalogProbe } from './dialects/postgres/catalog.js';
export {
  conflictingLocks,
  PG_TABLE_LOCKS,
  type PgTableLock,
} from './dialects/postgres/locks.js';
export { maskLiterals } from './dialects/postgres/mask.js';
export {
  checksumTables,
  type SchemaSnapshot,
  snapshotSchema,
  type TableSnapshot,
} from './dialects/postgres/snapshot.js';
export {
  quoteIdent,
  quoteLiteral,
  quoteQualified,
  quoteTable,
} from './dialects/quote.js';
export type {
  DialectRuntime,
  ErrorKind,
  LockHolderRow,
  LockRequest,
  PreviousHolder,
} from './dialects/runtime.js';
export { runtimeOf } from './dialects/runtime-of.js';
export {
  mysqlServerInfo,
  pgCapabilities,
  requireDialect,
} from './dialects/server.js';
export { docPath } from './docs.js';
export {
  type ColumnFacts,
  readColumnFacts,
} from './expand/index.js';
export type {
  ColumnExpectation,
  ConstraintExpectation,
  Expectation,
  IndexExpectation,
} from './expect.js';
export { backfillStep } from './ops/backfill.js';
export {
  type ConcurrentIndexSpec,
  createIndexConcurrentlyStep,
  defaultIndexName,
  dropIndexConcurrentlyStep,
} from './ops/concurrent-index.js';
export { droppedColumnName } from './ops/drop-column.js';
export { droppedTableName } from './ops/drop-table.js';
export {
  defaultVolatility,
  KNOWN_NON_VOLATILE_FUNCTIONS,
  KNOWN_VOLATILE_FUNCTIONS,
} from './ops/volatility.js';
export {
  freezePlan,
  undoWith,
} from './plan.js';
export {
  renderBar,
  renderFinish,
  renderLine,
  reportAs,
} from './report/progress.js';
export {
  BOOKKEEPING,
  type BookkeepingName,
  type Needs,
  requirePrivileges,
} from './run/bookkeeping.js';
export { type LeaseLockStore, withLeaseLock } from './run/lease-lock.js';
export {
  notifyStep,
  observeSteps,
  type StepObserver,
} from './run/observe.js';
export { backoffDelayMs } from './run/retry.js';
export {
  parseArgs,
  parseCall,
  schemas,
  showValue,
} from './validate/index.js';
