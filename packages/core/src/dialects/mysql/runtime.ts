import type { DialectRuntime } from '../runtime.js';
import { formatMysqlBlocker, mysqlBlockerQuery, mysqlBlockersOf } from './blockers.js';
import { mysqlBookkeeping } from './bookkeeping.js';
import { findMysqlConflict } from './compare/index.js';
import { classifyMysqlError, mysqlErrorCode } from './errors.js';
import { mysqlConflictingHolders } from './locks.js';
import { mysqlSessionLock } from './migrator-lock.js';
import { readMysqlServerInfo } from './server.js';
import { applyMysqlStepSettings } from './session.js';

/**
 * MySQL and MariaDB, as far as the runner needs them today. Not yet here (MySQL support, issue
 * #11): privilege checks and index build progress.
 * The lock-wait probe before a step needs MariaDB's METADATA_LOCK_INFO plugin (locks.ts).
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
  // Masked like the blockers' queries before the runner logs them.
  async conflictingHolders(session, relations, mode) {
    // INNODB_TRX (and the plugin's view joined to it) needs PROCESS: a role without it sees no
    // holders, and its steps rely on lock_wait_timeout and retries.
    const holders = await mysqlConflictingHolders(session, relations, mode).catch(
      (error: { errno?: number }) => {
        if (error?.errno === 1227) return [];
        throw error;
      },
    );
    return holders.map((h) => ({ ...h, query: mysqlBlockerQuery(h.query) }));
  },
  // Temporary tables and information_schema reads commit nothing: no savepoint is needed.
  findConflict: (session, expects) => findMysqlConflict(session, expects),
  ddlCommitsTransaction: true,
  bookkeeping: mysqlBookkeeping,
  sessionLock: mysqlSessionLock,
});
