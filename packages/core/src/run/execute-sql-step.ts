import type { Database, Session } from '../db.js';
import type { Restore } from '../dialects/runtime.js';
import { runtimeOf } from '../dialects/runtime-of.js';
import type { SqlStep } from '../plan.js';
import type { ProgressReporter } from '../report/progress.js';
import { type Blocker, watchBlockers } from './blockers.js';
import { watchIndexBuild } from './index-build-progress.js';

/** Settings one attempt runs with. */
export interface AttemptSettings {
  readonly lockTimeoutMs: number;
  /** 0 = none. */
  readonly statementTimeoutMs: number;
  readonly progress?: ProgressReporter | undefined;
  readonly log: (line: string) => void;
}

export interface AttemptOutcome {
  readonly error?: unknown;
  /** Sessions seen blocking the statement while it waited (sampled from another session). */
  readonly blockers: readonly Blocker[];
}

/**
 * One attempt of a SQL step, in the context the step needs:
 * - transactional, standalone: BEGIN; the step's timeouts; [prepare]; statement; COMMIT — its own
 *   short transaction, so at most one ACCESS EXCLUSIVE statement per transaction;
 * - transactional, inside the caller's transaction: a SAVEPOINT instead of BEGIN, so a lock
 *   timeout can be rolled back and retried; the caller's timeouts are restored afterwards;
 * - non-transactional (CONCURRENTLY): session-level settings, statement, reset, outside any transaction.
 * The dialect's settings also pin how literals parse (postgres/session.ts), so they mean one thing.
 */
export async function attemptSqlStep(
  db: Database,
  step: SqlStep,
  settings: AttemptSettings,
): Promise<AttemptOutcome> {
  let blockers: ReturnType<typeof watchBlockers> | undefined;
  let build: ReturnType<typeof watchIndexBuild> | undefined;
  let outcome: { ok: true } | { ok: false; error: unknown } = { ok: true };
  try {
    await db.withSession(async (session) => {
      const pid = await runtimeOf(db).backendId(session);
      // From another session: who blocks us, and how far an index build got. Not inside a
      // caller's transaction, where a second session may be the same connection.
      if (!db.inTransaction) {
        blockers = watchBlockers(db, pid, Math.max(50, Math.min(250, settings.lockTimeoutMs / 2)));
        if (step.watch === 'create-index' && settings.progress) {
          build = watchIndexBuild(db, pid, step.id, settings.progress);
        }
      }
      if (!step.transactional) await runOutsideTransaction(session, step, settings);
      else if (db.inTransaction) await runInSavepoint(session, step, settings);
      else await runInOwnTransaction(session, step, settings);
    });
  } catch (error) {
    outcome = { ok: false, error };
  }
  // Watchers stop after the session went back: with a one-connection pool their query waits for it.
  await build?.stop(outcome.ok);
  const seen = (await blockers?.stop()) ?? [];
  return outcome.ok ? { blockers: seen } : { error: outcome.error, blockers: seen };
}

async function statementWithPrepare(
  session: Session,
  step: SqlStep,
  settings: AttemptSettings,
): Promise<void> {
  if (step.prepare) {
    const [row] = await session.query<Record<string, unknown>>(
      step.prepare.when.sql,
      step.prepare.when.params ?? [],
    );
    if (row && Object.values(row)[0] === true) {
      settings.log(`${step.id}: ${step.prepare.description}`);
      await session.query(step.prepare.sql);
    }
  }
  await session.query(step.sql, step.params ?? []);
}

/**
 * Transaction control is plain SQL both dialects share (BEGIN, SAVEPOINT, COMMIT); the settings
 * are the dialect's (runtime.applyStepSettings), put back in `finally` where they outlive the step.
 */
async function runInOwnTransaction(
  session: Session,
  step: SqlStep,
  settings: AttemptSettings,
): Promise<void> {
  await session.query('BEGIN');
  let restore: Restore | undefined;
  try {
    restore = await runtimeOf(session).applyStepSettings(session, settings, 'own-transaction');
    await statementWithPrepare(session, step, settings);
    await session.query('COMMIT');
  } catch (error) {
    await session.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await restore?.();
  }
}

async function runInSavepoint(session: Session, step: SqlStep, settings: AttemptSettings): Promise<void> {
  await session.query('SAVEPOINT ballast_step');
  let restore: Restore | undefined;
  try {
    restore = await runtimeOf(session).applyStepSettings(session, settings, 'caller-transaction');
    await statementWithPrepare(session, step, settings);
    await session.query('RELEASE SAVEPOINT ballast_step');
  } catch (error) {
    await session.query('ROLLBACK TO SAVEPOINT ballast_step').catch(() => {});
    throw error;
  } finally {
    await restore?.();
  }
}

async function runOutsideTransaction(
  session: Session,
  step: SqlStep,
  settings: AttemptSettings,
): Promise<void> {
  const restore = await runtimeOf(session).applyStepSettings(session, settings, 'session');
  try {
    await statementWithPrepare(session, step, settings);
  } finally {
    await restore();
  }
}
