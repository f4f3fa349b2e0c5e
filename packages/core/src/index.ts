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
  lintSql,
  loadPgParser,
  type MysqlServer,
  OUTPUT_FORMATS,
  type OutputFormat,
  parseMysqlVersion,
  parsePgVersion,
  RULES,
  RULES_BY_ID,
  type Rule,
  renderFixedFile,
  type Severity,
} from './lint/index.js';
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
