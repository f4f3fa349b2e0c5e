/** The runner's lock timeout as a statement, for files no Ballast runner executes. */
import { RUN_DEFAULTS } from '../run/options.js';
import type { LintDialect } from './types.js';

export const LOCK_TIMEOUT_SQL = `SET lock_timeout = '${RUN_DEFAULTS.lockTimeoutMs}ms'`;
/** lock_wait_timeout counts whole seconds; 1 is its minimum. */
export const MYSQL_LOCK_TIMEOUT_SQL = `SET SESSION lock_wait_timeout = ${Math.max(1, Math.ceil(RUN_DEFAULTS.lockTimeoutMs / 1000))}`;

export const lockTimeoutSql = (dialect: LintDialect) =>
  dialect === 'postgres' ? LOCK_TIMEOUT_SQL : MYSQL_LOCK_TIMEOUT_SQL;
