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
