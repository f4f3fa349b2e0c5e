/**
 * What PostgreSQL does when it runs a statement, measured: a rewrite (the relation's relfilenode
 * changes), a scan (pg_stat_xact_user_tables.seq_scan), the relation locks held (pg_locks), rows
 * touched. Used by the lint verdict tests and the lint corpus checker.
 */
import type { SqlConnection } from '@ballast/testkit';

export interface Facts {
  /** Tables whose relfilenode changed. */
  readonly rewritten: readonly string[];
  /** Tables read by a sequential scan. */
  readonly scanned: readonly string[];
  /** `table:Mode` for every relation lock held on the case's tables, sorted. */
  readonly locks: readonly string[];
  /** `table:Mode`: the strongest relation lock held per table (internals add weaker ones by version). */
  readonly strongest: readonly string[];
  /** `table:n`: rows updated or deleted, per table that had any. */
  readonly touched: readonly string[];
}

/** Runs `sql` in a rolled-back transaction on a fresh schema holding `pre`, and reads the facts. */
export async function measure(
  conn: SqlConnection,
  schema: string,
  pre: string,
  sql: string | readonly string[],
  autocommit = false,
): Promise<Facts> {
  await conn.query(
    `drop schema if exists ${schema} cascade; create schema ${schema}; set search_path to ${schema}`,
  );
  await conn.query(pre);
  const files = `select c.relname, c.relfilenode from pg_class c where c.relnamespace = $1::regnamespace and c.relkind in ('r', 'p', 'm', 'S')`;
  const before = new Map(
    (await conn.query<{ relname: string; relfilenode: number }>(files, [schema])).map((r) => [
      r.relname,
      r.relfilenode,
    ]),
  );
  // Counters not yet flushed from earlier transactions show here too: compare with a baseline,
  // by oid (a renamed table keeps its counters and must not look scanned under its new name).
  const scanCounts = async () =>
    new Map(
      (
        await conn.query<{ relid: number; relname: string; n: string; t: string }>(
          'select relid, relname, seq_scan as n, n_tup_upd + n_tup_del as t from pg_stat_xact_user_tables where schemaname = $1',
          [schema],
        )
      ).map((r) => [r.relid, { relname: r.relname, scans: Number(r.n), touched: Number(r.t) }]),
    );
  if (autocommit) {
    // Statement by statement, as psql -f sends a file: one simple query would be one transaction.
    for (const one of typeof sql === 'string' ? [sql] : sql) await conn.query(one);
    const after = await conn.query<{ relname: string; relfilenode: number }>(files, [schema]);
    // Relations the statements created are new, not rewritten.
    const rewritten = after
      .filter((r) => before.has(r.relname) && before.get(r.relname) !== r.relfilenode)
      .map((r) => r.relname);
    return { rewritten, scanned: [], locks: [], strongest: [], touched: [] };
  }
  await conn.query('begin');
  try {
    const scansBefore = await scanCounts();
    await conn.query(typeof sql === 'string' ? sql : sql.join(';\n'));
    const after = await conn.query<{ relname: string; relfilenode: number }>(files, [schema]);
    const scans = [...(await scanCounts())]
      .filter(([t, n]) => n.scans > (scansBefore.get(t)?.scans ?? 0))
      .map(([, n]) => ({ relname: n.relname }))
      .sort((a, b) => a.relname.localeCompare(b.relname));
    const locks = await conn.query<{ l: string }>(
      `select distinct c.relname || ':' || l.mode as l from pg_locks l join pg_class c on c.oid = l.relation
        where l.pid = pg_backend_pid() and c.relnamespace = $1::regnamespace and c.relkind in ('r', 'p', 'm', 'S')
        order by 1`,
      [schema],
    );
    return {
      rewritten: after
        .filter((r) => before.has(r.relname) && before.get(r.relname) !== r.relfilenode)
        .map((r) => r.relname),
      scanned: scans.map((r) => r.relname),
      locks: locks.map((r) => r.l),
      strongest: strongestLocks(locks.map((r) => r.l)),
      touched: [...(await scanCounts())]
        .map(([t, n]) => [n.relname, n.touched - (scansBefore.get(t)?.touched ?? 0)] as const)
        .filter(([, n]) => n > 0)
        .map(([t, n]) => `${t}:${n}`)
        .sort(),
    };
  } finally {
    await conn.query('rollback');
  }
}

export const MODES = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
];

/** `table:Mode` lines → the strongest mode per table, sorted by table. */
function strongestLocks(locks: readonly string[]): string[] {
  const best = new Map<string, string>();
  for (const l of locks) {
    const [table, mode] = l.split(':') as [string, string];
    const held = best.get(table);
    if (!held || MODES.indexOf(mode) > MODES.indexOf(held)) best.set(table, mode);
  }
  return [...best].sort(([a], [b]) => a.localeCompare(b)).map(([t, m]) => `${t}:${m}`);
}
