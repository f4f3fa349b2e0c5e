import type { Database } from '../db.js';
import { runtimeOf } from '../dialects/runtime-of.js';
import { LockTimeoutError, StepFailedError, WrongContextError } from '../errors.js';
import type { Plan, SqlStep, Step } from '../plan.js';
import { parseCall } from '../validate/parse.js';
import { callArgs } from '../validate/run.js';
import { requirePrivileges, runBookkeeping } from './bookkeeping.js';
import { refuseConflicts } from './conflicts.js';
import { attemptSqlStep } from './execute-sql-step.js';
import { journalFor } from './journal.js';
import { type LockWait, waitForConflictingLocks } from './lock-wait.js';
import { withMigratorLock } from './migrator-lock.js';
import { notifyStep } from './observe.js';
import { RUN_DEFAULTS, type RunOptions, type RunReport, type StepReport } from './options.js';
import { backoffDelayMs, isDeadlock, isLockTimeout, retryBudgetMs, retrySettings, sleep } from './retry.js';
import { runBackfillStep } from './run-backfill-step.js';
import { runBackupStep } from './run-backup-step.js';
import { type StepOutcome, undoOnFailure } from './undo-on-failure.js';

/**
 * Executes a plan's steps in order. Planners decided what is safe; the runner only bounds each
 * step (lock_timeout, statement_timeout), retries lock timeouts and deadlocks with jittered backoff while
 * naming the blockers, skips what is already done, and journals progress for resumption.
 */
export async function runPlan(db: Database, plan: Plan, options: RunOptions = {}): Promise<RunReport> {
  parseCall('runPlan', callArgs.runPlan, [db, plan, options]);
  const lock = options.lock === false || db.inTransaction ? undefined : (options.lock ?? {});
  // Refuse before any statement (bookkeeping DDL commits on MySQL): a half-applied plan inside a
  // transaction the caller then rolls back teaches nothing; the message says what to change.
  for (const step of plan.steps) refuseOutsideTransactionSteps(db, step, plan);
  const backfills = plan.steps.some((s) => s.kind === 'backfill');
  await requirePrivileges(
    db,
    { bookkeeping: runBookkeeping(db, options, backfills), requires: plan.requires },
    `${plan.operation} ${plan.target}`,
  );
  const run = () => runSteps(db, plan, options);
  return lock
    ? withMigratorLock(db, lock.name ?? RUN_DEFAULTS.lock.name, run, { log: options.log, ...lock })
    : run();
}

async function runSteps(db: Database, plan: Plan, options: RunOptions): Promise<RunReport> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const journal = options.migration ? journalFor(db, options.migration) : undefined;
  const journaled = journal ? await journal.completed() : new Set<string>();
  const reports: StepReport[] = [];
  const outcomes: StepOutcome[] = [];
  await refuseConflicts(db, plan, journaled);
  warnLocksHeldAcrossScans(db, plan, log);
  for (const step of plan.steps) {
    if (journaled.has(step.id)) {
      log(`skip ${step.id}: journaled as done by an earlier run of ${options.migration}`);
      reports.push({ id: step.id, status: 'skipped', attempts: 0, ms: 0 });
      outcomes.push({ step, status: 'skipped' });
      continue;
    }
    const t0 = performance.now();
    if (await isDone(db, step)) {
      log(`already done ${step.id}: ${step.description}`);
      await journal?.record(step.id, { ms: 0, success: true });
      reports.push({ id: step.id, status: 'already-done', attempts: 0, ms: performance.now() - t0 });
      outcomes.push({ step, status: 'already-done' });
      continue;
    }
    log(`run ${step.id}: ${step.description}`);
    notifyStep(plan, step);
    let attempts = 0;
    try {
      if (step.kind === 'sql') attempts = await runSqlStepWithRetries(db, step, options);
      else if (step.kind === 'backup') attempts = await runBackupStep(db, step, options);
      else {
        await runBackfillStep(db, step, options);
        attempts = 1;
      }
    } catch (error) {
      await journal
        ?.record(step.id, { ms: performance.now() - t0, success: false, error: (error as Error).message })
        .catch(() => {});
      // What this run put in force (a trigger, a NOT VALID constraint) must not outlive its failure.
      throw await undoOnFailure(db, outcomes, step, error, {
        journal,
        log,
        options,
        runSql: (undo) => runSqlStepWithRetries(db, undo, options),
      });
    }
    const ms = performance.now() - t0;
    notifyStep(plan, undefined);
    await journal?.record(step.id, { ms, success: true });
    log(`done ${step.id} in ${Math.round(ms)} ms${attempts > 1 ? ` after ${attempts} attempts` : ''}`);
    reports.push({ id: step.id, status: 'applied', attempts, ms });
    outcomes.push({ step, status: 'applied' });
  }
  return { operation: plan.operation, target: plan.target, steps: reports, ms: performance.now() - started };
}

export function refuseOutsideTransactionSteps(db: Database, step: Step, plan: Plan): void {
  if (!db.inTransaction) return;
  // MySQL/MariaDB commit the open transaction at every DDL statement: the caller's would end silently.
  const commits = step.kind === 'sql' && runtimeOf(db).ddlCommitsTransaction === true;
  if (step.transactional && !commits) return;
  const why = commits ? ': its DDL would commit the open transaction' : '';
  throw new WrongContextError(
    `step ${step.id} (${step.description}) cannot run inside a transaction${why}, and this migration runs in one`,
    {
      where: `${plan.operation} ${plan.target}`,
      hint:
        'run this migration outside a transaction. For Knex, add `export const config = { transaction: false }` ' +
        'to the migration file; Ballast then gives each step its own short transaction where one is needed.',
    },
  );
}

/**
 * Inside the caller's transaction every lock is held until the caller commits, so an ACCESS
 * EXCLUSIVE step followed by a scanning step (VALIDATE) blocks the table for the whole scan.
 * The plan still runs (the caller chose the transaction); the log says what that costs.
 */
function warnLocksHeldAcrossScans(db: Database, plan: Plan, log: (line: string) => void): void {
  if (!db.inTransaction) return;
  const exclusive = plan.steps.findIndex((s) => s.lock === 'ACCESS EXCLUSIVE');
  const scan = plan.steps.find((s, i) => i > exclusive && s.timeout === 'long');
  if (exclusive < 0 || !scan) return;
  log(
    `warning: inside the caller's transaction, ${plan.steps[exclusive]!.id} keeps ACCESS EXCLUSIVE until commit, ` +
      `so ${scan.id} scans while reads and writes wait. Run this migration outside a transaction to avoid it.`,
  );
}

async function isDone(db: Database, step: Step): Promise<boolean> {
  if (!step.done) return false;
  const done = step.done;
  const [row] = await db.withSession((s) => s.query<Record<string, unknown>>(done.sql, done.params ?? []));
  const value = row === undefined ? undefined : Object.values(row)[0];
  // MySQL/MariaDB have no boolean type: their probes answer 1.
  return value === true || value === 1;
}

async function runSqlStepWithRetries(db: Database, step: SqlStep, options: RunOptions): Promise<number> {
  const retry = retrySettings(options.retry);
  const lockTimeoutMs = options.lockTimeoutMs ?? RUN_DEFAULTS.lockTimeoutMs;
  const statementTimeoutMs =
    step.timeout === 'ddl' ? (options.statementTimeoutMs ?? RUN_DEFAULTS.ddlStatementTimeoutMs) : 0;
  const log = options.log ?? (() => {});
  const waits = options.waitForConflictingLocks !== false && (step.relations?.length ?? 0) > 0;
  const deadline = Date.now() + retryBudgetMs(retry, lockTimeoutMs);
  let waited: LockWait | undefined;
  for (let attempt = 1; ; attempt++) {
    // Only then take the lock (under lock_timeout): no long transaction is left to queue behind.
    if (waits) waited = await waitForConflictingLocks(db, step, deadline, log);
    const outcome = await attemptSqlStep(db, step, {
      lockTimeoutMs,
      statementTimeoutMs,
      progress: options.progress,
      log,
    });
    if (outcome.error === undefined) return attempt;
    const seen = outcome.blockers.length > 0 ? outcome.blockers : (waited?.remaining ?? []);
    const blockers = seen.map(runtimeOf(db).formatBlocker);
    const deadlock = isDeadlock(outcome.error);
    if (!deadlock && !isLockTimeout(outcome.error)) throw stepFailed(db, step, outcome.error);
    if (deadlock && attempt >= retry.maxAttempts) throw stepFailed(db, step, outcome.error, attempt);
    const outOfTime = waits && !deadlock && Date.now() >= deadline;
    if (attempt >= retry.maxAttempts || outOfTime) {
      const why = outOfTime
        ? `: long transactions held a conflicting lock for the whole retry budget (${retryBudgetMs(retry, lockTimeoutMs)} ms), then lock_timeout ${lockTimeoutMs} ms ran out on attempt ${attempt}`
        : ` within lock_timeout ${lockTimeoutMs} ms, ${attempt} times`;
      throw new LockTimeoutError(
        `step ${step.id} could not get its ${step.lock} lock${why}`,
        step.id,
        attempt,
        blockers,
        {
          where: step.id,
          cause: outcome.error,
          hint: `${blockers.length > 0 ? `blocked by ${blockers.join('; ')}. ` : ''}Let the blocking transaction finish (or end it), then rerun; or allow more attempts with retry.maxAttempts.`,
        },
      );
    }
    const delay = backoffDelayMs(attempt, retry);
    const cause = deadlock
      ? `deadlock on ${step.id} (attempt ${attempt}/${retry.maxAttempts}: the server rolled the step back to break a lock cycle)`
      : `lock timeout on ${step.id} (attempt ${attempt}/${retry.maxAttempts}, lock_timeout ${lockTimeoutMs} ms)`;
    log(
      `${cause}; retrying in ${delay} ms; ${deadlock ? 'other sessions seen waiting with it' : 'blocked by'}: ` +
        (blockers.length > 0 ? blockers.join('; ') : 'unknown (no blocker sampled)'),
    );
    await sleep(delay);
  }
}

function stepFailed(db: Database, step: SqlStep, error: unknown, attempts = 1): StepFailedError {
  const runtime = runtimeOf(db);
  const code = runtime.errorCode(error);
  const message = (error as Error).message;
  const duplicate = runtime.classifyError(error) === 'unique-violation' && step.watch === 'create-index';
  const times = attempts > 1 ? `, ${attempts} times` : '';
  return new StepFailedError(
    `step ${step.id} failed: ${message}${code ? ` (${runtime.errorCodeName} ${code})` : ''}${times}`,
    step.id,
    code,
    {
      where: step.id,
      cause: error,
      hint: duplicate
        ? 'the table has duplicate values for this unique index; the failed build left an INVALID index. ' +
          'Fix the duplicates and rerun: the INVALID index is dropped and rebuilt.'
        : isDeadlock(error)
          ? 'the step deadlocked with another session on every attempt: look for a transaction that locks these ' +
            'tables in the opposite order (the retry log lines name the sessions seen), rerun when it is idle, ' +
            'or allow more attempts with retry.maxAttempts.'
          : `fix the cause and rerun: finished steps are recognised and skipped. Statement: ${step.sql}`,
    },
  );
}
