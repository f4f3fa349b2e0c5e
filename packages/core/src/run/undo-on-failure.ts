import type { Database } from '../db.js';
import { LeftInForceError } from '../errors.js';
import type { SqlStep, Step } from '../plan.js';
import type { Journal } from './journal.js';
import type { RunOptions, StepStatus } from './options.js';
import { forgetBackfillProgress } from './run-backfill-step.js';

/** A step of the failed run, with how this run met it. */
export interface StepOutcome {
  readonly step: Step;
  readonly status: StepStatus;
}

export interface UndoContext {
  readonly journal: Journal | undefined;
  readonly log: (line: string) => void;
  readonly options: RunOptions;
  /** Runs one statement with the runner's bounds and retries. */
  readonly runSql: (step: SqlStep) => Promise<unknown>;
}

/**
 * After `failed` failed: undoes, newest first, every step THIS run applied that declares
 * `undoOnFailure`, then un-journals everything this run applied from the first undone step on
 * (their effect may rest on what was undone: a backfill filled through the dropped trigger), so
 * a rerun applies them again, backfills from their first row. Returns the error to throw: the
 * original one when nothing acting on writes is left, else a LeftInForceError naming what is
 * (made by an earlier run, or whose undo failed) and the SQL that removes it.
 */
export async function undoOnFailure(
  db: Database,
  outcomes: readonly StepOutcome[],
  failed: Step,
  error: unknown,
  ctx: UndoContext,
): Promise<unknown> {
  const left: { step: Step; sql: string; why: string }[] = [];
  const undone = new Set<Step>();
  for (const { step, status } of [...outcomes].reverse()) {
    const undo = step.undoOnFailure;
    if (!undo) continue;
    // Journaled by an earlier run of this migration: ours, but not this run's to undo. An
    // already-done step's object may be the user's own (a column NOT NULL before): not named.
    if (status === 'skipped') left.push({ step, sql: undo.sql, why: 'made by an earlier run' });
    if (status !== 'applied') continue;
    ctx.log(`undo ${step.id} after ${failed.id} failed: ${undo.description}`);
    try {
      await ctx.runSql({ kind: 'sql', id: `${step.id}:undo`, ...undo });
      undone.add(step);
    } catch (undoError) {
      ctx.log(`undo of ${step.id} failed: ${(undoError as Error).message}`);
      left.push({ step, sql: undo.sql, why: `its undo failed: ${(undoError as Error).message}` });
    }
  }
  const first = outcomes.findIndex((o) => undone.has(o.step));
  if (first >= 0) {
    const redo = outcomes
      .slice(first)
      .filter((o) => o.status === 'applied')
      .map((o) => o.step);
    for (const step of redo) {
      const why = undone.has(step) ? 'undone' : `to redo: ${outcomes[first]!.step.id} was undone`;
      await ctx.journal
        ?.record(step.id, { ms: 0, success: false, error: `${why} after ${failed.id} failed` })
        .catch(() => {});
    }
    // The failed step keeps its journaled error; a backfill's rows went with what was undone.
    for (const step of [...redo, failed])
      if (step.kind === 'backfill') await forgetBackfillProgress(db, step, ctx.options).catch(() => {});
  }
  if (left.length === 0) return error;
  return new LeftInForceError(
    `${(error as Error).message}\n  left in force after this failure: ` +
      left.map((l) => `${l.step.id} (${l.step.description}; ${l.why})`).join('; '),
    left.map((l) => ({ step: l.step.id, description: l.step.description, sql: l.sql })),
    {
      where: failed.id,
      cause: error,
      hint: `they stay in force for the application's writes; remove them with: ${left.map((l) => `${l.sql};`).join(' ')} or fix the cause and rerun`,
    },
  );
}
