import type { Database, Session } from '../db.js';
import { pinSettingsSql, RESET_PINNED_SQL } from '../dialects/postgres/session.js';
import type { SqlStep } from '../plan.js';
import type { ProgressReporter } from '../report/progress.js';
import { type Blocker, watchBlockers } from './blockers.js';
import { watchIndexBuild } from './index-build-progress.js';

/** Settings one attempt runs with; integers only, so they can be written into SET statements. */
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

const ms = (n: number) => `'${Math.max(0, Math.floor(n))}ms'`;

/**
 * One attempt of a SQL step, in the context the step needs:
 * - transactional, standalone: BEGIN; SET LOCAL timeouts; [prepare]; statement; COMMIT — its own
 *   short transaction, so at most one ACCESS EXCLUSIVE statement per transaction;
 * - transactional, inside the caller's transaction: a SAVEPOINT instead of BEGIN, so a lock
 *   timeout can be rolled back and retried; the caller's timeouts are restored afterwards;
 * - non-transactional (CONCURRENTLY): session-level SET, statement, RESET, outside any transaction.
 * Each also pins dialects/postgres/session.ts's settings, so the statement's literals mean one thing.
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
      const [{ pid } = { pid: 0 }] = await session.query<{ pid: number }>('select pg_backend_pid() as pid');
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

async function runInOwnTransaction(
  session: Session,
  step: SqlStep,
  settings: AttemptSettings,
): Promise<void> {
  await session.query('BEGIN');
  try {
    await session.query(`SET LOCAL lock_timeout = ${ms(settings.lockTimeoutMs)}`);
    await session.query(`SET LOCAL statement_timeout = ${ms(settings.statementTimeoutMs)}`);
    await session.query(pinSettingsSql(true));
    await statementWithPrepare(session, step, settings);
    await session.query('COMMIT');
  } catch (error) {
    await session.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

async function runInSavepoint(session: Session, step: SqlStep, settings: AttemptSettings): Promise<void> {
  const [saved] = await session.query<{ lt: string; st: string; scs: string }>(
    "select current_setting('lock_timeout') as lt, current_setting('statement_timeout') as st, current_setting('standard_conforming_strings') as scs",
  );
  await session.query('SAVEPOINT ballast_step');
  try {
    await session.query(`SET LOCAL lock_timeout = ${ms(settings.lockTimeoutMs)}`);
    await session.query(`SET LOCAL statement_timeout = ${ms(settings.statementTimeoutMs)}`);
    await session.query(pinSettingsSql(true));
    await statementWithPrepare(session, step, settings);
    await session.query('RELEASE SAVEPOINT ballast_step');
  } catch (error) {
    await session.query('ROLLBACK TO SAVEPOINT ballast_step').catch(() => {});
    throw error;
  } finally {
    // set_config(..., true) = SET LOCAL with a bound value: the caller's own settings come back.
    await session
      .query(
        "select set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true), set_config('standard_conforming_strings', $3, true)",
        [saved?.lt ?? '0', saved?.st ?? '0', saved?.scs ?? 'on'],
      )
      .catch(() => {});
  }
}

async function runOutsideTransaction(
  session: Session,
  step: SqlStep,
  settings: AttemptSettings,
): Promise<void> {
  await session.query(`SET lock_timeout = ${ms(settings.lockTimeoutMs)}`);
  await session.query(`SET statement_timeout = ${ms(settings.statementTimeoutMs)}`);
  await session.query(pinSettingsSql(false));
  try {
    await statementWithPrepare(session, step, settings);
  } finally {
    await session.query('RESET lock_timeout').catch(() => {});
    await session.query('RESET statement_timeout').catch(() => {});
    await session.query(RESET_PINNED_SQL).catch(() => {});
  }
}
