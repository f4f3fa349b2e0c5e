import type { Session } from '../../db.js';
import type { LockMode } from '../../plan.js';
import type { LockHolder } from '../runtime.js';
import type { TableRef } from '../table-ref.js';

/** A session's state as the runner names it; `p` is PROCESSLIST, `t` its INNODB_TRX row if any. */
export const SESSION_STATE = `case when p.COMMAND = 'Sleep' then if(t.trx_id is null, 'idle', 'idle in transaction')
            else coalesce(nullif(p.STATE, ''), p.COMMAND) end`;

/** Seconds since the session's transaction began (else since its statement began). */
export const SESSION_AGE_SECONDS =
  'coalesce(timestampdiff(microsecond, t.trx_started, now(6)) / 1e6, p.TIME)';

/** MariaDB's METADATA_LOCK_INFO plugin (INSTALL SONAME 'metadata_lock_info') lists granted metadata locks. */
export async function hasMetadataLockInfo(session: Session): Promise<boolean> {
  const [row] = await session.query<{ n: number }>(
    `select count(*) as n from information_schema.PLUGINS
      where PLUGIN_NAME = 'METADATA_LOCK_INFO' and PLUGIN_STATUS = 'ACTIVE'`,
  );
  return Number(row?.n) > 0;
}

/**
 * Sessions holding a metadata lock on one of `relations`. Every DDL step ends with an exclusive
 * metadata lock (INPLACE and INSTANT too), which conflicts with any metadata lock, and an open
 * transaction keeps the ones it took until it ends. Knowable with MariaDB's METADATA_LOCK_INFO, or
 * MySQL 8's performance_schema.metadata_locks (on by default there); with neither, every other
 * open transaction is a suspect (openTransactionSuspects).
 */
export async function mysqlConflictingHolders(
  session: Session,
  relations: readonly TableRef[],
  mode: LockMode,
): Promise<LockHolder[]> {
  if (mode === 'none' || relations.length === 0) return [];
  if (!(await hasMetadataLockInfo(session))) {
    const [server] = await session.query<{ ps: number; v: string }>(
      'select @@global.performance_schema as ps, version() as v',
    );
    // MySQL 8 instruments metadata locks by default; MariaDB does not, even with performance_schema on.
    if (Number(server?.ps) && !/mariadb/i.test(server?.v ?? ''))
      return performanceSchemaHolders(session, relations);
    return openTransactionSuspects(session);
  }
  const rows = await session.query<LockHolder>(
    `select m.THREAD_ID as pid, concat(m.THREAD_ID, ':', coalesce(t.trx_id, '')) as vxid,
            ${SESSION_STATE} as state, round(${SESSION_AGE_SECONDS} * 1000) as ageMs,
            p.INFO as query, group_concat(distinct m.LOCK_MODE) as mode
       from information_schema.METADATA_LOCK_INFO m
       join information_schema.PROCESSLIST p on p.ID = m.THREAD_ID
       left join information_schema.INNODB_TRX t on t.trx_mysql_thread_id = m.THREAD_ID
      where m.THREAD_ID <> connection_id()
        and (m.TABLE_SCHEMA, m.TABLE_NAME) in (${relations.map(() => '(coalesce(?, database()), ?)').join(', ')})
      group by m.THREAD_ID, t.trx_id, p.COMMAND, p.STATE, t.trx_started, p.TIME, p.INFO`,
    relations.flatMap((r) => [r.schema ?? null, r.table]),
  );
  return rows.map((h) => ({ ...h, pid: Number(h.pid), ageMs: h.ageMs === null ? null : Number(h.ageMs) }));
}

/**
 * MySQL 8: granted metadata locks on `relations` from performance_schema (threads map its thread
 * ids to connection ids). Where performance_schema is off or lacks the table (MariaDB's default),
 * nobody is reported, as before.
 */
async function performanceSchemaHolders(
  session: Session,
  relations: readonly TableRef[],
): Promise<LockHolder[]> {
  const rows = await session
    .query<LockHolder>(
      `select th.PROCESSLIST_ID as pid, concat(th.PROCESSLIST_ID, ':', coalesce(t.trx_id, '')) as vxid,
              ${SESSION_STATE} as state, round(${SESSION_AGE_SECONDS} * 1000) as ageMs,
              p.INFO as query, group_concat(distinct m.LOCK_TYPE) as mode
         from performance_schema.metadata_locks m
         join performance_schema.threads th on th.THREAD_ID = m.OWNER_THREAD_ID
         join information_schema.PROCESSLIST p on p.ID = th.PROCESSLIST_ID
         left join information_schema.INNODB_TRX t on t.trx_mysql_thread_id = th.PROCESSLIST_ID
        where m.OBJECT_TYPE = 'TABLE' and m.LOCK_STATUS = 'GRANTED'
          and th.PROCESSLIST_ID <> connection_id()
          and (m.OBJECT_SCHEMA, m.OBJECT_NAME) in (${relations.map(() => '(coalesce(?, database()), ?)').join(', ')})
        group by th.PROCESSLIST_ID, t.trx_id, p.COMMAND, p.STATE, t.trx_started, p.TIME, p.INFO`,
      relations.flatMap((r) => [r.schema ?? null, r.table]),
    )
    .catch(() => []);
  return rows.map((h) => ({ ...h, pid: Number(h.pid), ageMs: h.ageMs === null ? null : Number(h.ageMs) }));
}

/**
 * Neither METADATA_LOCK_INFO nor performance_schema (MariaDB's default): which tables a transaction
 * holds is unknowable, so every other open InnoDB transaction is a suspect. The runner waits out
 * only the long ones (run/lock-wait.ts), without queueing: a forgotten transaction on another
 * table delays the step (named in the log, up to the wait's deadline), where asking for the lock
 * would have made every client queue behind it for lock_wait_timeout (whole seconds on MySQL).
 */
async function openTransactionSuspects(session: Session): Promise<LockHolder[]> {
  const rows = await session.query<LockHolder>(
    `select p.ID as pid, concat(p.ID, ':', t.trx_id) as vxid, ${SESSION_STATE} as state,
            round(${SESSION_AGE_SECONDS} * 1000) as ageMs, p.INFO as query,
            'a metadata lock, maybe (install METADATA_LOCK_INFO to know)' as mode
       from information_schema.INNODB_TRX t
       join information_schema.PROCESSLIST p on p.ID = t.trx_mysql_thread_id
      where p.ID <> connection_id()`,
  );
  return rows.map((h) => ({ ...h, pid: Number(h.pid), ageMs: h.ageMs === null ? null : Number(h.ageMs) }));
}
