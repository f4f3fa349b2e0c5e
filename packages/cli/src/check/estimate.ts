/**
 * Production estimates: a statement that rewrote or scanned tables took time in proportion to
 * their rows, so its duration on the copy is scaled by target rows (pg_class.reltuples) / copy
 * rows; catalog-only statements keep their measured time. A lock's estimated hold is its measured
 * hold plus the extra estimated time of the statements that ran while it was held.
 */
import { quoteQualified } from '@ballast/core';
import type pg from 'pg';
import type { LockHeld, StatementTrace } from './tracer.js';

export interface RowCounts {
  /** schema.table → rows on the target (reltuples; undefined when never analyzed). */
  readonly target: ReadonlyMap<string, number | undefined>;
  /** schema.table → rows in the copy before the migrations ran. */
  readonly copy: ReadonlyMap<string, number>;
}

const TABLES = `select n.nspname || '.' || c.relname as name, n.nspname as schema, c.relname as "table",
       c.reltuples::float8 as tuples
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'p', 'm') and n.nspname not in ('pg_catalog', 'information_schema')
   and n.nspname not like 'pg\\_%'`;

export async function targetRows(target: pg.Client): Promise<Map<string, number | undefined>> {
  const { rows } = await target.query<{ name: string; tuples: number }>(TABLES);
  // reltuples is -1 (PG 14+) or 0 with no pages (older) until the first ANALYZE.
  return new Map(rows.map((r) => [r.name, r.tuples >= 0 ? r.tuples : undefined]));
}

/** Exact counts: the copy holds at most the sample (or is a template copy, when it is not asked). */
export async function copyRows(copy: pg.Client): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const t of (await copy.query<{ name: string; schema: string; table: string }>(TABLES)).rows) {
    const rel = quoteQualified('postgres', { schema: t.schema, name: t.table });
    const { rows } = await copy.query<{ n: number }>(`select count(*)::float8 as n from ${rel}`);
    out.set(t.name, rows[0]!.n);
  }
  return out;
}

/** How many times bigger `table` is on the target than in the copy (1 when unknown). */
export function scaleOf(rows: RowCounts, table: string): number {
  const target = rows.target.get(table);
  if (target === undefined) return 1;
  return Math.max(1, target / Math.max(1, rows.copy.get(table) ?? 0));
}

export function estimatedMs(stmt: StatementTrace, rows: RowCounts): number {
  const touched = [...stmt.rewrites, ...Object.keys(stmt.scans)];
  return stmt.ms * Math.max(1, ...touched.map((t) => scaleOf(rows, t)));
}

export function estimatedHoldMs(
  lock: LockHeld,
  taken: StatementTrace,
  trace: readonly StatementTrace[],
  rows: RowCounts,
): number {
  const last = lock.releasedAfter < 0 ? trace.length - 1 : lock.releasedAfter;
  let extra = 0;
  for (const s of trace.slice(taken.index, last + 1)) extra += estimatedMs(s, rows) - s.ms;
  return lock.heldMs + extra;
}
