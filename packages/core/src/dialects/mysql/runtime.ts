import type { DialectRuntime } from '../runtime.js';
import { formatMysqlBlocker, mysqlBlockersOf } from './blockers.js';
import { mysqlBookkeeping } from './bookkeeping.js';
import { classifyMysqlError, mysqlErrorCode } from './errors.js';
import { mysqlMigratorLock } from './migrator-lock.js';
import { readMysqlServerInfo } from './server.js';
import { applyMysqlStepSettings } from './session.js';

/**
 * MySQL and MariaDB, as far as the runner needs them today. Not yet here (MySQL support, issue
 * #11): lock-wait probes before a step, the pre-run comparison of existing
 * objects, privilege checks, and index build progress.
 */
export const mysqlRuntime = Object.freeze<DialectRuntime>({
  dialect: 'mysql',
  readServerInfo: readMysqlServerInfo,
  async backendId(session) {
    const [row] = await session.query<{ id: number }>('select connection_id() as id');
    return Number(row?.id ?? 0);
  },
  applyStepSettings: (session, timeouts) => applyMysqlStepSettings(session, timeouts),
  classifyError: classifyMysqlError,
  errorCode: mysqlErrorCode,
  errorCodeName: 'MySQL error',
  blockersOf: mysqlBlockersOf,
  formatBlocker: formatMysqlBlocker,
  bookkeeping: mysqlBookkeeping,
  migratorLock: mysqlMigratorLock,
});
