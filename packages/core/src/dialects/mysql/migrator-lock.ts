import type { Session } from '../../db.js';
import type { SessionLockHolder, SessionLockStore } from '../runtime.js';

/**
 * The migrator lock on MySQL/MariaDB: GET_LOCK on a connection held for the run
 * (run/session-lock.ts). The server releases it when that connection ends, so a migrator killed
 * with kill -9 (its socket closes) or cut off leaves no stale lock and no TTL is needed.
 * ballast_locks only says who holds it (process id, host), for LockedError.
 */
export const MYSQL_LOCKS_DDL = `create table if not exists ballast_locks (
  name varchar(255) not null primary key,
  holder varchar(64) not null,
  pid integer,
  host varchar(255),
  acquired_at datetime(6) not null default current_timestamp(6),
  backend_pid bigint) engine = InnoDB`;

/**
 * GET_LOCK names are server-wide, so the database is part of it; MySQL caps names at 64
 * characters, beyond which the name is hashed (the holder row still says which lock it is).
 */
const LOCK_NAME = `(select if(char_length(n) <= 64, n, concat('ballast:', sha1(n)))
   from (select concat('ballast:', coalesce(database(), ''), ':', ?) as n) named)`;

export const mysqlSessionLock: SessionLockStore = {
  table: 'ballast_locks',
  ddl: MYSQL_LOCKS_DDL,
  // Timeout 0: never queue inside the server; run/session-lock.ts polls until `waitMs`.
  async tryAcquire(session, r) {
    const [row] = await session.query<{ got: number | null }>(`select get_lock(${LOCK_NAME}, 0) as got`, [
      r.name,
    ]);
    if (Number(row?.got) !== 1) return false;
    await session.query(
      `replace into ballast_locks (name, holder, pid, host, acquired_at, backend_pid)
       values (?, ?, ?, ?, current_timestamp(6), connection_id())`,
      [r.name, r.holder, r.pid, r.host],
    );
    return true;
  },
  async stillHeld(session, r) {
    const [row] = await session.query<{ ours: number | null }>(
      `select is_used_lock(${LOCK_NAME}) = connection_id() as ours`,
      [r.name],
    );
    return Number(row?.ours) === 1;
  },
  async release(session, r) {
    await session.query('delete from ballast_locks where name = ? and holder = ?', [r.name, r.holder]);
    await session.query(`select release_lock(${LOCK_NAME})`, [r.name]);
  },
  async holder(session: Session, name: string): Promise<SessionLockHolder | undefined> {
    const [row] = await session.query<{ backend: number | null }>(
      `select is_used_lock(${LOCK_NAME}) as backend`,
      [name],
    );
    if (row?.backend === null || row?.backend === undefined) return undefined;
    const backend = Number(row.backend);
    // The row of an earlier holder may still be there (a killed one): only the current one counts.
    const [who] = await session.query<{ pid: number | null; host: string | null; acquired_at: Date }>(
      'select pid, host, acquired_at from ballast_locks where name = ? and backend_pid = ?',
      [name, backend],
    );
    return {
      backendId: backend,
      pid: who?.pid ?? null,
      host: who?.host ?? null,
      since: who?.acquired_at ?? null,
    };
  },
};
