import type { TableRef } from './dialects/table-ref.js';
/**
 * The contract between planners (core/ops), the runner (core/run), the linter's fixes and
 * `explain`: an operation is planned once into ordered, immutable steps; only the runner executes.
 */

import type { Expectation } from './expect.js';

/** PostgreSQL table lock modes (weakest first) plus MySQL's metadata lock, for explain/lint. */
export type LockMode =
  | 'none'
  | 'ACCESS SHARE'
  | 'ROW SHARE'
  | 'ROW EXCLUSIVE'
  | 'SHARE UPDATE EXCLUSIVE'
  | 'SHARE'
  | 'SHARE ROW EXCLUSIVE'
  | 'EXCLUSIVE'
  | 'ACCESS EXCLUSIVE'
  | 'METADATA SHARED'
  | 'METADATA EXCLUSIVE';

/**
 * How the runner bounds a step:
 * - `ddl`: short lock-taking statement — lock_timeout and statement_timeout both apply;
 * - `long`: scans or builds that legitimately take long (VALIDATE, CONCURRENTLY) — lock_timeout
 *   only, no statement_timeout.
 */
export type TimeoutPolicy = 'ddl' | 'long';

interface StepBase {
  /** Stable id, unique within a plan (e.g. `add-column:users.email:add`): the journal's key. */
  readonly id: string;
  /** One line for people: what the step does and why it is safe. */
  readonly description: string;
  readonly lock: LockMode;
  /** False for CREATE INDEX CONCURRENTLY and friends: the runner runs them outside a transaction. */
  readonly transactional: boolean;
  readonly timeout: TimeoutPolicy;
  /**
   * A query whose first row's first column is true (1 on MySQL) when the step's effect is already in place,
   * so a rerun skips it (idempotence even without a journal entry).
   */
  readonly done?: { readonly sql: string; readonly params?: readonly unknown[] };
  /**
   * The object this step creates, as asked: if one of that name exists with another definition,
   * the runner refuses the plan before any step runs (ObjectConflictError). See expect.ts.
   */
  readonly expects?: Expectation;
  /**
   * Removes what the step created (a trigger, a NOT VALID constraint, a unique index) when a later
   * step of the same run fails, so a failed run leaves nothing that changes how the application's
   * writes behave. The runner undoes only steps this run applied, newest first.
   */
  readonly undoOnFailure?: UndoSpec;
}

/** The statement that undoes a step: one SQL statement, run and bounded like a step. */
export type UndoSpec = Pick<SqlStep, 'description' | 'sql' | 'params' | 'lock' | 'transactional' | 'timeout'>;

/** Another step (typically one of the plan's reverse steps) as the undo of a step. */
export const undoWith = (step: SqlStep): UndoSpec => ({
  description: step.description,
  sql: step.sql,
  ...(step.params ? { params: step.params } : {}),
  lock: step.lock,
  transactional: step.transactional,
  timeout: step.timeout,
});

export interface SqlStep extends StepBase {
  readonly kind: 'sql';
  /** Exactly one statement. */
  readonly sql: string;
  readonly params?: readonly unknown[];
  /**
   * Runs before every attempt when `when` is true, in the same context as the step: e.g. drops
   * the INVALID index a failed or timed-out CONCURRENTLY build left under the same name.
   */
  readonly prepare?: {
    readonly when: { readonly sql: string; readonly params?: readonly unknown[] };
    readonly sql: string;
    readonly description: string;
  };
  /** What the runner watches while the statement runs, to report progress (PG >= 12). */
  readonly watch?: 'create-index';
  /**
   * The tables the statement locks in `lock` mode. Before an attempt the runner waits, without
   * queueing, for long transactions holding a conflicting lock on them (see RunOptions
   * `waitForConflictingLocks`); set by the planners whose steps block application queries.
   */
  readonly relations?: readonly TableRef[];
}

/** A batched UPDATE of existing rows, executed by core/backfill, never as one statement. */
export interface BackfillStep extends StepBase {
  readonly kind: 'backfill';
  readonly backfill: BackfillSpec;
}

export interface BackfillSpec extends TableRef {
  /** column → SQL expression evaluated per row (e.g. `first_name || ' ' || last_name`). */
  readonly set: Readonly<Record<string, string>>;
  /** Optional extra SQL condition; rows already right are cheaply skipped with it. */
  readonly where?: string;
}

/**
 * Keeps the data a later step of the same plan drops or sets aside, executed by core/backup (the
 * runner hands it over as it hands backfill steps to core/backfill) and recorded in the backup
 * catalog, so `listBackups` / `restoreBackup` / `purgeBackups` see every drop.
 */
export interface BackupStep extends StepBase {
  readonly kind: 'backup';
  readonly backup: BackupSpec;
}

export interface BackupSpec extends TableRef {
  /** The column being dropped; absent for a table. */
  readonly column?: string | undefined;
  /**
   * `set-aside`: the next steps rename the object to `aside`; the backup records that name (the
   * data stays where it is). `copy`: the column's values are copied, keyed by primary key, into
   * `ballast_backup.backup_<id>` on the backfill loop before the column is dropped.
   */
  readonly keep: 'set-aside' | 'copy';
  /** The set-aside name (keep `set-aside`). */
  readonly aside?: string | undefined;
  /** Days before `purgeBackups` may remove it. Default 7. */
  readonly retentionDays?: number | undefined;
  /** Recorded so the migration's `down()` finds its backup; default the run's journal key. */
  readonly migration?: string | undefined;
}

export type Step = SqlStep | BackfillStep | BackupStep;

/**
 * A privilege the plan needs on the application's tables, checked by the runner before the first
 * step: `owner` to ALTER or DROP (an index: its table's owner), `create` for CREATE on the table's
 * schema (indexes, trigger functions), `references` on a foreign key's target, `update` for rows
 * a backfill writes.
 */
export interface Requirement {
  readonly privilege: 'owner' | 'create' | 'references' | 'update';
  readonly table: TableRef;
}

export interface Plan {
  /** Operation kind, e.g. `add-column`. */
  readonly operation: string;
  /** What is being changed, e.g. `users.email`. */
  readonly target: string;
  readonly steps: readonly Step[];
  /** Steps that undo the plan (for `down`), in order. Empty when the operation is irreversible. */
  readonly reverse: readonly Step[];
  /** Things the user must know (e.g. what the application must do between phases). */
  readonly notes: readonly string[];
  /** Privileges on the application's tables the steps need (both directions). Default none checked. */
  readonly requires?: readonly Requirement[];
}

export function freezePlan(plan: Plan): Plan {
  return Object.freeze({
    ...plan,
    steps: Object.freeze(plan.steps.map((s) => Object.freeze(s))),
    reverse: Object.freeze(plan.reverse.map((s) => Object.freeze(s))),
    notes: Object.freeze([...plan.notes]),
  });
}
