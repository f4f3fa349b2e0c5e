import type { Session } from '../../db.js';
import type { Restore, StepTimeouts } from '../runtime.js';

/** lock_wait_timeout / innodb_lock_wait_timeout take whole seconds (at least 1 on MySQL). */
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * A step's timeouts as session variables: MySQL/MariaDB have no transaction-local SET, so the
 * previous values are read first and put back afterwards, in every scope.
 * - lock_wait_timeout bounds metadata-lock waits (what DDL queues on), innodb_lock_wait_timeout
 *   row-lock waits; both raise 1205, which the runner retries;
 * - the statement limit is max_statement_time (seconds, fractional) on MariaDB, and
 *   max_execution_time (ms) on MySQL, where it only bounds SELECTs.
 * No literal-parsing pin: quoteLiteral's MySQL output means the same under every sql_mode.
 */
export async function applyMysqlStepSettings(session: Session, t: StepTimeouts): Promise<Restore> {
  const [was] = await session.query<{ lwt: number; ilwt: number; v: string }>(
    'select @@session.lock_wait_timeout as lwt, @@session.innodb_lock_wait_timeout as ilwt, version() as v',
  );
  const maria = /mariadb/i.test(was?.v ?? '');
  const limitVar = maria ? 'max_statement_time' : 'max_execution_time';
  const limit = maria ? t.statementTimeoutMs / 1000 : Math.floor(t.statementTimeoutMs);
  const [{ st } = { st: 0 }] = await session.query<{ st: number }>(`select @@session.${limitVar} as st`);
  await session.query(
    `set session lock_wait_timeout = ?, session innodb_lock_wait_timeout = ?, session ${limitVar} = ?`,
    [seconds(t.lockTimeoutMs), seconds(t.lockTimeoutMs), limit],
  );
  return async () => {
    await session
      .query(
        `set session lock_wait_timeout = ?, session innodb_lock_wait_timeout = ?, session ${limitVar} = ?`,
        [was?.lwt, was?.ilwt, st],
      )
      .catch(() => {});
  };
}
