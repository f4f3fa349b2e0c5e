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
 * `undoOnFailure`, and un-journals it so a rerun applies it again. Returns the error to throw:
 * the original one when nothing acting on writes is left, else a LeftInForceError naming what
 * is (made by an earlier run, or whose undo failed) and the SQL that removes it.
 */
export async function undoOnFailure(
  db: Database,
  outcomes: readonly StepOutcome[],
  failed: Step,
  error: unknown,
  ctx: UndoContext,
): Promise<unknown> {
  const left: { step: Step; sql: string; why: string }[] = [];
  let undone = 0;
  for (const { step, status } of [...outcomes].reverse()) {
    const undo = step.undoOnFailure;
    if (!undo) continue;
    if (status !== 'applied') {
      left.push({
        step,
        sql: undo.sql,
        why: status === 'skipped' ? 'made by an earlier run' : 'there before this run',
      });
      continue;
    }
    ctx.log(`undo ${step.id} after ${failed.id} failed: ${undo.description}`);
    try {
      await ctx.runSql({ kind: 'sql', id: `${step.id}:undo`, ...undo });
      undone++;
      await ctx.journal
        ?.record(step.id, { ms: 0, success: false, error: `undone after ${failed.id} failed` })
        .catch(() => {});
    } catch (undoError) {
      ctx.log(`undo of ${step.id} failed: ${(undoError as Error).message}`);
      left.push({ step, sql: undo.sql, why: `its undo failed: ${(undoError as Error).message}` });
    }
  }
  if (undone > 0 && failed.kind === 'backfill')
    await forgetBackfillProgress(db, failed, ctx.options).catch(() => {});
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
