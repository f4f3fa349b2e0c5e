import type { Database } from '../db.js';
import { ensureTable } from './ensure-table.js';

/**
 * ballast_journal: one row per (migration, step) with the outcome of its last run. It lives in
 * the migrated database, so a run that crashed on another machine still resumes at the first
 * step without `success = true`.
 */
export const DDL = `create table if not exists ballast_journal (
  migration text not null,
  step_id text not null,
  applied_at timestamptz not null default now(),
  execution_time_ms integer,
  success boolean not null,
  error_message text,
  primary key (migration, step_id))`;

export interface Journal {
  completed(): Promise<Set<string>>;
  record(stepId: string, outcome: { ms: number; success: boolean; error?: string }): Promise<void>;
}

export function journalFor(db: Database, migration: string): Journal {
  const ready = () => ensureTable(db, 'ballast_journal', DDL);
  return {
    async completed() {
      await ready();
      const rows = await db.withSession((s) =>
        s.query<{ step_id: string }>('select step_id from ballast_journal where migration = $1 and success', [
          migration,
        ]),
      );
      return new Set(rows.map((r) => r.step_id));
    },
    async record(stepId, outcome) {
      await ready();
      await db.withSession((s) =>
        s.query(
          `insert into ballast_journal (migration, step_id, applied_at, execution_time_ms, success, error_message)
           values ($1, $2, now(), $3, $4, $5)
           on conflict (migration, step_id) do update set applied_at = excluded.applied_at,
             execution_time_ms = excluded.execution_time_ms, success = excluded.success,
             error_message = excluded.error_message`,
          [migration, stepId, Math.round(outcome.ms), outcome.success, outcome.error ?? null],
        ),
      );
    },
  };
}
