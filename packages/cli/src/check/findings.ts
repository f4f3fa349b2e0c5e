/** What blocks a deploy, from the trace, the up/down/up outcomes, the linter and ballast_expansions. */
import type { MigrationOutcome } from './apply.js';
import { estimatedHoldMs, estimatedMs, type RowCounts } from './estimate.js';
import type { PlannedStep, StatementTrace } from './tracer.js';

export interface Finding {
  /** `error` blocks the deploy (exit 1); `warning` is reported only. */
  readonly severity: 'error' | 'warning';
  readonly rule: string;
  readonly migration: string;
  readonly message: string;
}

export interface LockReport {
  readonly mode: string;
  readonly relation: string;
  readonly existing: boolean;
  readonly heldMs: number;
  readonly estimatedHoldMs: number;
}

export interface StatementReport {
  readonly migration: string;
  readonly sql: string;
  readonly ms: number;
  readonly estimatedMs: number;
  readonly autocommit: boolean;
  /** Locks sampled while the statement ran (it refuses a transaction block): a brief one may be missing. */
  readonly sampled: boolean;
  readonly locks: readonly LockReport[];
  readonly rewrites: readonly string[];
  readonly scans: Readonly<Record<string, number>>;
  /** The Ballast helper step that sent it (its id, description and planned lock). */
  readonly step?: PlannedStep;
  readonly error?: string;
}

/** Locks that make the application's writes (and, for ACCESS EXCLUSIVE, reads) wait. */
const BLOCKS_WRITES = new Set(['SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE']);

/** The application's statements of the first apply (no bookkeeping, no catalog reads) with estimates. */
export function statementReports(trace: readonly StatementTrace[], rows: RowCounts): StatementReport[] {
  return trace
    .filter((s) => s.phase === 'up' && !s.bookkeeping)
    .filter(
      (s) => !/^\s*(select|with)\b/i.test(s.sql) || s.rewrites.length > 0 || Object.keys(s.scans).length > 0,
    )
    .map((s) => ({
      migration: s.migration,
      sql: s.sql,
      ms: s.ms,
      estimatedMs: estimatedMs(s, rows),
      autocommit: s.autocommit,
      sampled: s.sampled,
      locks: s.locks.map((l) => ({
        mode: l.mode,
        relation: l.relation,
        existing: l.existing,
        heldMs: l.heldMs,
        estimatedHoldMs: estimatedHoldMs(l, s, trace, rows),
      })),
      rewrites: s.rewrites,
      scans: s.scans,
      ...(s.step ? { step: s.step } : {}),
      ...(s.error ? { error: s.error } : {}),
    }));
}

export function traceFindings(statements: readonly StatementReport[], budgetMs: number): Finding[] {
  const out: Finding[] = [];
  for (const s of statements) {
    const short = oneLine(s.sql);
    for (const table of s.rewrites)
      out.push({
        severity: 'error',
        rule: 'table-rewrite',
        migration: s.migration,
        message: `\`${short}\` rewrites ${table} (a new relfilenode) while holding its lock: every read and write of ${table} waits for a copy of the whole table`,
      });
    for (const l of s.locks)
      if (l.existing && BLOCKS_WRITES.has(l.mode) && l.estimatedHoldMs > budgetMs)
        out.push({
          severity: 'error',
          rule: 'lock-over-budget',
          migration: s.migration,
          message: `\`${short}\` holds ${l.mode} on ${l.relation} for about ${ms(l.estimatedHoldMs)} at the target's row counts (budget ${ms(budgetMs)})`,
        });
  }
  return out;
}

export function outcomeFindings(outcomes: readonly MigrationOutcome[]): Finding[] {
  return outcomes.flatMap((o): Finding[] => [
    ...(o.failed
      ? [
          {
            severity: 'error' as const,
            rule: 'migration-failed',
            migration: o.name,
            message: `${o.failed.phase} failed on the copy: ${o.failed.message}`,
          },
        ]
      : []),
    ...(o.downDiff?.length
      ? [
          {
            severity: 'error' as const,
            rule: 'down-does-not-restore',
            migration: o.name,
            message: `up then down leaves a different schema: ${o.downDiff.join('; ')}`,
          },
        ]
      : []),
    // After a down that lost something, the re-apply differs for the same reason: said once.
    ...(o.reapplyDiff?.length && !o.downDiff?.length
      ? [
          {
            severity: 'error' as const,
            rule: 'reapply-differs',
            migration: o.name,
            message: `up after down builds another schema than the first up: ${o.reapplyDiff.join('; ')}`,
          },
        ]
      : []),
  ]);
}

export const oneLine = (sql: string, max = 120) => {
  const s = sql.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};

export const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);
