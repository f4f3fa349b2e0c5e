import type { DialectRuntime } from '../runtime.js';
import { blockerQuery, formatPgBlocker, pgBlockersOf } from './blockers.js';
import { pgBookkeeping, pgMigratorLock } from './bookkeeping.js';
import { findConflict } from './compare/index.js';
import { classifyPgError, pgErrorCode } from './errors.js';
import { conflictingHolders } from './locks.js';
import { pgPrivilegeGaps } from './privileges.js';
import { pgIndexBuildProgress } from './progress.js';
import { readPgServerInfo } from './server.js';
import { applyStepSettings } from './session.js';

/** PostgreSQL, as the runner sees it: every piece lives in its own file of this folder. */
export const postgresRuntime = Object.freeze<DialectRuntime>({
  dialect: 'postgres',
  readServerInfo: readPgServerInfo,
  async backendId(session) {
    const [row] = await session.query<{ pid: number }>('select pg_backend_pid() as pid');
    return row?.pid ?? 0;
  },
  applyStepSettings,
  classifyError: classifyPgError,
  errorCode: pgErrorCode,
  errorCodeName: 'SQLSTATE',
  blockersOf: pgBlockersOf,
  formatBlocker: formatPgBlocker,
  async conflictingHolders(session, relations, mode) {
    const holders = await conflictingHolders(session, relations, mode);
    return holders.map((h) => ({ ...h, query: blockerQuery(h.query) }));
  },
  findConflict,
  indexBuildProgress: pgIndexBuildProgress,
  privilegeGaps: pgPrivilegeGaps,
  bookkeeping: pgBookkeeping,
  migratorLock: pgMigratorLock,
});
