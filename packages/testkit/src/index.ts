export {
  type MongoTestDatabase,
  mongoTestDatabase,
  mysqlTestDatabase,
  type PgServer,
  pgServers,
  pgTestDatabase,
  type TestDatabase,
} from './databases.js';
export { type DocExample, type DocExampleOptions, docExamples, RULE_DOCS_DIR } from './doc-examples.js';
export { HOSTILE_VALUES } from './hostile.js';
export { mysqlServerVersion, startLocalMariaDb, startMariaDb } from './mariadb.js';
export { mongoServerVersion, startLocalFerretDb, startMongo } from './mongo.js';
export { type LockWaitSighting, type LockWaitWatch, watchMysqlLockWaits } from './mysql-waits.js';
export {
  findPgBinaries,
  pgServerVersion,
  startLocalPostgres,
  startPostgres,
} from './postgres.js';
export { PRISMA_SCHEMA_ENGINE_STAND_IN } from './prisma-engine.js';
export { createRunDir, processesMentioning, type RunDir, stopRunSync } from './processes.js';
export type { RunningServer } from './running-server.js';
export { SERVER_ENV, type ServerKind, type ServerSet, startServers } from './servers.js';
export { connect, type Dialect, dialectOf, quoteIdent, type SqlConnection } from './sql-clients.js';
export { type LatencyStats, latencyStats, nowMs, percentile } from './stats.js';
export {
  buildReport,
  createTrafficTable,
  defaultWorkload,
  type QueryRecord,
  startTraffic,
  type Traffic,
  type TrafficOptions,
  type TrafficReport,
  type Workload,
  type WorkloadContext,
  type WorkloadQuery,
} from './traffic.js';
