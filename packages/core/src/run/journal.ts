import type { Database } from '../db.js';
import { runtimeOf } from '../dialects/runtime-of.js';
import { ensureTable } from './ensure-table.js';

/**
 * ballast_journal: one row per (migration, step) with the outcome of its last run, in the
 * migrated database (its DDL and upsert are the dialect's: runtime.bookkeeping.journal), so a
 * run that crashed on another machine still resumes at the first step without `success = true`.
 */
export interface Journal {
  completed(): Promise<Set<string>>;
  record(stepId: string, outcome: { ms: number; success: boolean; error?: string }): Promise<void>;
}

export function journalFor(db: Database, migration: string): Journal {
  const sql = runtimeOf(db).bookkeeping.journal;
  const ready = () => ensureTable(db, 'ballast_journal', sql.ddl);
  return {
    async completed() {
      await ready();
      const rows = await db.withSession((s) => s.query<{ step_id: string }>(sql.completed, [migration]));
      return new Set(rows.map((r) => r.step_id));
    },
    async record(stepId, outcome) {
      await ready();
      await db.withSession((s) =>
        s.query(sql.record, [
          migration,
          stepId,
          Math.round(outcome.ms),
          outcome.success,
          outcome.error ?? null,
        ]),
      );
    },
  };
}
