import type { Session } from '../../db.js';
import type { LockRequest, MigratorLockStore, PreviousHolder } from '../runtime.js';

/**
 * ballast_locks on MySQL/MariaDB (run/migrator-lock.ts decides when to take, renew and give it
 * back). Takeover by TTL only: the processlist shows other connections only to roles with the
 * PROCESS privilege, so "its connection is gone" cannot be told from "hidden from us" here.
 */
export const MYSQL_LOCKS_DDL = `create table if not exists ballast_locks (
  name varchar(255) not null primary key,
  holder varchar(64) not null,
  pid integer,
  host varchar(255),
  acquired_at datetime(6) not null default current_timestamp(6),
  expires_at datetime(6) not null,
  backend_pid bigint,
  heartbeat_at datetime(6)) engine = InnoDB`;

async function isOurs(session: Session, r: LockRequest): Promise<boolean> {
  const [row] = await session.query<{ n: number }>(
    'select count(*) as n from ballast_locks where name = ? and holder = ?',
    [r.name, r.holder],
  );
  return Number(row?.n) === 1;
}

const TTL = 'current_timestamp(6) + interval ? microsecond';

export const mysqlMigratorLock: MigratorLockStore = {
  table: 'ballast_locks',
  ddl: MYSQL_LOCKS_DDL,
  upgradeColumns: [],
  // Statements report rows only (Session), not affected counts: each write is followed by a read
  // of who holds the row now. The primary key serialises concurrent takers.
  async acquire(session, r) {
    const [previous] = await session.query<PreviousHolder>(
      `select pid, host, backend_pid, cast(heartbeat_at as char) as heartbeat_at, 1 as expired
         from ballast_locks where name = ? and expires_at < current_timestamp(6)`,
      [r.name],
    );
    await session.query(
      `insert ignore into ballast_locks (name, holder, pid, host, acquired_at, expires_at, backend_pid, heartbeat_at)
       values (?, ?, ?, ?, current_timestamp(6), ${TTL}, connection_id(), current_timestamp(6))`,
      [r.name, r.holder, r.pid, r.host, r.ttlMs * 1000],
    );
    if (!(await isOurs(session, r))) {
      await session.query(
        `update ballast_locks set holder = ?, pid = ?, host = ?, acquired_at = current_timestamp(6),
           expires_at = ${TTL}, backend_pid = connection_id(), heartbeat_at = current_timestamp(6)
         where name = ? and expires_at < current_timestamp(6)`,
        [r.holder, r.pid, r.host, r.ttlMs * 1000, r.name],
      );
      if (!(await isOurs(session, r))) return undefined;
      return { previous: previous ? { ...previous, expired: true } : null };
    }
    return { previous: null };
  },
  async renew(session, r) {
    await session.query(
      `update ballast_locks set expires_at = ${TTL}, backend_pid = connection_id(), heartbeat_at = current_timestamp(6)
        where name = ? and holder = ?`,
      [r.ttlMs * 1000, r.name, r.holder],
    );
    return isOurs(session, r);
  },
  async release(session, r) {
    await session.query('delete from ballast_locks where name = ? and holder = ?', [r.name, r.holder]);
  },
  async holder(session, name) {
    const [row] = await session.query<{
      pid: number | null;
      host: string | null;
      acquired_at: Date;
      expires_at: Date;
    }>('select pid, host, acquired_at, expires_at from ballast_locks where name = ?', [name]);
    return row;
  },
};
