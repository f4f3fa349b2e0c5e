import type { Session } from '../../db.js';
import { blockerQuery } from '../postgres/blockers.js';
import type { Blocker } from '../runtime.js';
import { hasMetadataLockInfo, SESSION_AGE_SECONDS, SESSION_STATE } from './locks.js';

/**
 * Another session's statement with its values masked: MySQL's "..." strings first (the PostgreSQL
 * lexer would read them as identifiers), then the shared masking of '...' strings (read with and
 * without backslash escapes), numbers and comments.
 */
export const mysqlBlockerQuery = (query: string | null) =>
  blockerQuery(query === null ? null : query.replace(/"(?:[^"\\]|\\.|"")*"?/g, '?'));

/** The one processlist row per session the report needs, with its open transaction if any. */
const DETAILS = `select p.ID as pid, ${SESSION_STATE} as state, round(${SESSION_AGE_SECONDS}, 1) as ageSeconds,
       p.INFO as query
  from information_schema.PROCESSLIST p left join information_schema.INNODB_TRX t on t.trx_mysql_thread_id = p.ID`;

const inList = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * Who blocks connection `id`:
 * - waiting for a row lock: the transactions INNODB_LOCK_WAITS names (MariaDB, MySQL 5.7);
 * - waiting for a metadata lock (every DDL queues there first): with MariaDB's METADATA_LOCK_INFO
 *   plugin loaded, the sessions holding a metadata lock on a table ours holds one on; on MySQL 8,
 *   the holders performance_schema.metadata_locks gives; without either the server does not say,
 *   so every other session with an open transaction is named (a transaction keeps its metadata
 *   locks until it ends, even when idle).
 */
export async function mysqlBlockersOf(session: Session, id: number): Promise<Blocker[]> {
  const [me] = await session.query<{ state: string | null }>(
    'select STATE as state from information_schema.PROCESSLIST where ID = ?',
    [id],
  );
  if (!me) return [];
  // A row-lock wait may show an empty STATE: only a metadata-lock wait says so.
  const ids = /metadata lock/i.test(me.state ?? '')
    ? await metadataLockHolders(session, id)
    : await rowLockHolders(session, id);
  if (ids.length === 0) return [];
  const rows = await session.query<Blocker>(
    `${DETAILS} where p.ID in (${inList(ids.length)}) order by p.ID`,
    ids,
  );
  return rows.map((b) => ({
    pid: Number(b.pid),
    state: b.state,
    ageSeconds: b.ageSeconds === null ? null : Number(b.ageSeconds),
    query: mysqlBlockerQuery(b.query),
  }));
}

/**
 * INNODB_TRX / INNODB_LOCK_WAITS are served from a cache that InnoDB refreshes only when nobody
 * read it for 100 ms: a caller polling faster keeps seeing old transactions (the runner asks once
 * per lock timeout, so it always gets fresh rows).
 */
async function rowLockHolders(session: Session, id: number): Promise<number[]> {
  const rows = await session
    .query<{ id: number }>(
      `select distinct b.trx_mysql_thread_id as id from information_schema.INNODB_LOCK_WAITS w
         join information_schema.INNODB_TRX r on r.trx_id = w.requesting_trx_id
         join information_schema.INNODB_TRX b on b.trx_id = w.blocking_trx_id
        where r.trx_mysql_thread_id = ?`,
      [id],
    )
    .catch(() => []); // MySQL 8 moved lock waits to performance_schema: report nobody rather than fail
  return rows.map((r) => Number(r.id));
}

async function metadataLockHolders(session: Session, id: number): Promise<number[]> {
  if (await hasMetadataLockInfo(session)) {
    const rows = await session.query<{ id: number }>(
      `select distinct o.THREAD_ID as id from information_schema.METADATA_LOCK_INFO o
        where o.THREAD_ID <> ? and o.TABLE_NAME <> '' and (o.TABLE_SCHEMA, o.TABLE_NAME) in
          (select m.TABLE_SCHEMA, m.TABLE_NAME from information_schema.METADATA_LOCK_INFO m
            where m.THREAD_ID = ? and m.TABLE_NAME <> '')`,
      [id, id],
    );
    return rows.map((r) => Number(r.id));
  }
  // MySQL 8: the holders of what this connection waits for, from performance_schema.
  const exact = await session
    .query<{ id: number }>(
      `select distinct h.PROCESSLIST_ID as id
         from performance_schema.metadata_locks w
         join performance_schema.threads wt on wt.THREAD_ID = w.OWNER_THREAD_ID
         join performance_schema.metadata_locks g
           on g.OBJECT_TYPE = w.OBJECT_TYPE and g.OBJECT_SCHEMA = w.OBJECT_SCHEMA
          and g.OBJECT_NAME = w.OBJECT_NAME and g.LOCK_STATUS = 'GRANTED'
         join performance_schema.threads h on h.THREAD_ID = g.OWNER_THREAD_ID
        where wt.PROCESSLIST_ID = ? and w.LOCK_STATUS = 'PENDING' and w.OBJECT_TYPE = 'TABLE'
          and h.PROCESSLIST_ID <> ?`,
      [id, id],
    )
    .catch(() => []);
  if (exact.length > 0) return exact.map((r) => Number(r.id));
  // Neither source: every open transaction is a suspect (the processlist state says which).
  const rows = await session.query<{ id: number }>(
    'select trx_mysql_thread_id as id from information_schema.INNODB_TRX where trx_mysql_thread_id <> ?',
    [id],
  );
  return rows.map((r) => Number(r.id));
}

export const formatMysqlBlocker = (b: Blocker) =>
  `connection ${b.pid} (${b.state ?? 'unknown state'}, transaction age ${b.ageSeconds ?? '?'} s): ${JSON.stringify(b.query ?? '')}`;
