import type { Session } from '../../db.js';
import type { LockMode } from '../../plan.js';
import { qtable } from '../quote.js';
import type { LockHolder } from '../runtime.js';
import type { TableRef } from '../table-ref.js';

export type { LockHolder } from '../runtime.js';

/** PostgreSQL's table-level lock modes, weakest first. */
export const PG_TABLE_LOCKS = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
] as const;
export type PgTableLock = (typeof PG_TABLE_LOCKS)[number];

/**
 * The conflict table of the PostgreSQL manual ("Explicit Locking", table-level lock modes): each
 * mode with the modes it conflicts with. The table is symmetric; a test checks that.
 */
const CONFLICTS: Readonly<Record<PgTableLock, readonly PgTableLock[]>> = {
  'ACCESS SHARE': ['ACCESS EXCLUSIVE'],
  'ROW SHARE': ['EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  'ROW EXCLUSIVE': ['SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  'SHARE UPDATE EXCLUSIVE': [
    'SHARE UPDATE EXCLUSIVE',
    'SHARE',
    'SHARE ROW EXCLUSIVE',
    'EXCLUSIVE',
    'ACCESS EXCLUSIVE',
  ],
  SHARE: ['ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  'SHARE ROW EXCLUSIVE': [
    'ROW EXCLUSIVE',
    'SHARE UPDATE EXCLUSIVE',
    'SHARE',
    'SHARE ROW EXCLUSIVE',
    'EXCLUSIVE',
    'ACCESS EXCLUSIVE',
  ],
  EXCLUSIVE: [
    'ROW SHARE',
    'ROW EXCLUSIVE',
    'SHARE UPDATE EXCLUSIVE',
    'SHARE',
    'SHARE ROW EXCLUSIVE',
    'EXCLUSIVE',
    'ACCESS EXCLUSIVE',
  ],
  'ACCESS EXCLUSIVE': PG_TABLE_LOCKS,
};

const isPgTableLock = (mode: LockMode): mode is PgTableLock =>
  (PG_TABLE_LOCKS as readonly string[]).includes(mode);

/** The table-lock modes `mode` conflicts with; none for `none` and MySQL's metadata locks. */
export const conflictingLocks = (mode: LockMode): readonly PgTableLock[] =>
  isPgTableLock(mode) ? CONFLICTS[mode] : [];

/** The name pg_locks.mode uses: `SHARE ROW EXCLUSIVE` → `ShareRowExclusiveLock`. */
export const pgLocksMode = (mode: PgTableLock): string =>
  `${mode
    .toLowerCase()
    .split(' ')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')}Lock`;

/**
 * Transactions of other sessions holding, granted, a lock on one of `relations` that conflicts
 * with `mode`. Inside a caller's transaction now() stands still and pg_stat_activity is read once
 * per transaction (a later transaction of a backend would look as old as its first): hence
 * clock_timestamp and pg_stat_clear_snapshot.
 */
export async function conflictingHolders(
  session: Session,
  relations: readonly TableRef[],
  mode: LockMode,
): Promise<LockHolder[]> {
  const modes = conflictingLocks(mode).map(pgLocksMode);
  if (modes.length === 0 || relations.length === 0) return [];
  await session.query('select pg_stat_clear_snapshot()');
  return session.query<LockHolder>(
    `select distinct on (l.virtualtransaction) coalesce(l.pid, 0) as pid, l.virtualtransaction as vxid,
            coalesce(a.state, case when l.pid is null then 'prepared transaction' end) as state,
            (extract(epoch from clock_timestamp() - coalesce(a.xact_start, a.query_start)) * 1000)::float8 as "ageMs",
            a.query, l.mode
       from pg_locks l left join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'relation' and l.granted
        and l.database = (select oid from pg_database where datname = current_database())
        and l.relation = any (array(select to_regclass(r) from unnest($1::text[]) r))
        and l.mode = any ($2::text[])
        and l.pid is distinct from pg_backend_pid()
      order by l.virtualtransaction, l.mode`,
    [relations.map(qtable), modes],
  );
}
