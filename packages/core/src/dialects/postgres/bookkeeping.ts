import type { Session } from '../../db.js';
import type {
  BookkeepingSql,
  LockRequest,
  MigratorLockStore,
  ObjectKind,
  PreviousHolder,
} from '../runtime.js';

async function objectExists(session: Session, kind: ObjectKind, name: string): Promise<boolean> {
  const [row] = await session.query<{ ok: boolean }>(
    kind === 'schema'
      ? 'select exists (select 1 from pg_namespace where nspname = $1) as ok'
      : 'select to_regclass($1) is not null as ok',
    [name],
  );
  return row?.ok === true;
}

async function missingColumns(session: Session, name: string, columns: readonly string[]): Promise<string[]> {
  if (columns.length === 0) return [];
  const rows = await session.query<{ name: string }>(
    `select c as name from unnest($2::text[]) c
      where not exists (select 1 from pg_attribute where attrelid = to_regclass($1) and attname = c and not attisdropped)`,
    [name, columns],
  );
  return rows.map((r) => r.name);
}

/**
 * ballast_journal: one row per (migration, step) with the outcome of its last run. It lives in
 * the migrated database, so a run that crashed on another machine still resumes at the first
 * step without `success = true`.
 */
export const JOURNAL_DDL = `create table if not exists ballast_journal (
  migration text not null,
  step_id text not null,
  applied_at timestamptz not null default now(),
  execution_time_ms integer,
  success boolean not null,
  error_message text,
  primary key (migration, step_id))`;

export const pgBookkeeping: BookkeepingSql = {
  objectExists,
  missingColumns,
  journal: {
    ddl: JOURNAL_DDL,
    completed: 'select step_id from ballast_journal where migration = $1 and success',
    record: `insert into ballast_journal (migration, step_id, applied_at, execution_time_ms, success, error_message)
           values ($1, $2, now(), $3, $4, $5)
           on conflict (migration, step_id) do update set applied_at = excluded.applied_at,
             execution_time_ms = excluded.execution_time_ms, success = excluded.success,
             error_message = excluded.error_message`,
  },
};

/**
 * ballast_locks (run/migrator-lock.ts): the holder renews `expires_at`, recording the backend
 * that renewed it; a row whose backend is gone from pg_stat_activity on the same server and that
 * missed two renewals is taken over at once.
 */
export const LOCKS_DDL = `create table if not exists ballast_locks (
  name text primary key,
  holder text not null,
  pid integer,
  host text,
  acquired_at timestamptz not null default now(),
  expires_at timestamptz not null);
alter table ballast_locks add column if not exists backend_pid integer,
  add column if not exists backend_start timestamptz,
  add column if not exists server_start timestamptz,
  add column if not exists heartbeat_at timestamptz`;

/** The session writing the row: its backend, and the server it runs on (a restart or failover changes it). */
const BACKEND = `pg_backend_pid(), (select backend_start from pg_stat_activity where pid = pg_backend_pid()),
  pg_postmaster_start_time(), now()`;

/**
 * True for a row whose holder is gone: expired, or its backend vanished and it missed two
 * renewals (the renewal period min(TTL/3, 1 s) computed from the row: TTL = expires_at − heartbeat_at).
 */
const HOLDER_GONE = `(l.expires_at < now() or (
  l.backend_pid is not null and l.server_start = pg_postmaster_start_time()
  and l.heartbeat_at < now() - 2 * greatest(interval '100 milliseconds',
        least((l.expires_at - l.heartbeat_at) / 3, interval '1 second'))
  and not exists (select 1 from pg_stat_activity a where a.pid = l.backend_pid
                   and (a.backend_start is null or a.backend_start = l.backend_start))))`;

export const pgMigratorLock: MigratorLockStore = {
  table: 'ballast_locks',
  ddl: LOCKS_DDL,
  upgradeColumns: ['backend_pid', 'backend_start', 'server_start', 'heartbeat_at'],
  sessionView: 'pg_stat_activity',
  async acquire(session, r: LockRequest) {
    // row_to_json: the previous row's timestamps come back as text.
    const [got] = await session.query<{ previous: PreviousHolder | null }>(
      `with previous as (
         select l.pid, l.host, l.backend_pid, l.heartbeat_at, l.expires_at < now() as expired
           from ballast_locks l where l.name = $1)
       insert into ballast_locks as l (name, holder, pid, host, acquired_at, expires_at,
                                       backend_pid, backend_start, server_start, heartbeat_at)
       values ($1, $2, $3, $4, now(), now() + $5 * interval '1 millisecond', ${BACKEND})
       on conflict (name) do update set holder = excluded.holder, pid = excluded.pid, host = excluded.host,
         acquired_at = excluded.acquired_at, expires_at = excluded.expires_at,
         backend_pid = excluded.backend_pid, backend_start = excluded.backend_start,
         server_start = excluded.server_start, heartbeat_at = excluded.heartbeat_at
       where ${HOLDER_GONE}
       returning (select row_to_json(previous) from previous) as previous`,
      [r.name, r.holder, r.pid, r.host, r.ttlMs],
    );
    return got;
  },
  async renew(session, r) {
    const rows = await session.query(
      `update ballast_locks set expires_at = now() + $3 * interval '1 millisecond',
         (backend_pid, backend_start, server_start, heartbeat_at) = (select ${BACKEND})
       where name = $1 and holder = $2 returning 1`,
      [r.name, r.holder, r.ttlMs],
    );
    return rows.length > 0;
  },
  async release(session, r) {
    await session.query('delete from ballast_locks where name = $1 and holder = $2', [r.name, r.holder]);
  },
  async holder(session, name) {
    const [row] = await session.query<{
      pid: number | null;
      host: string | null;
      acquired_at: Date;
      expires_at: Date;
    }>('select pid, host, acquired_at, expires_at from ballast_locks where name = $1', [name]);
    return row;
  },
};
