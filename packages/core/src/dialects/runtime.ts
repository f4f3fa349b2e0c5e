import type { Dialect, Session } from '../db.js';
import type { MissingPrivilege } from '../errors.js';
import type { Expectation } from '../expect.js';
import type { LockMode, Requirement } from '../plan.js';
import type { Conflict } from './postgres/compare/types.js';
import type { ServerInfo } from './server.js';
import type { TableRef } from './table-ref.js';

/**
 * Everything the runner (core/run) asks of a server family, so that it issues no SQL of its own:
 * one object per dialect (postgres/runtime.ts, mysql/runtime.ts), found with runtimeOf
 * (runtime-of.ts). Optional members are abilities a dialect does not have yet; the runner then
 * does without (no pre-run comparison, no lock-wait probe) or refuses with UnsupportedServerError.
 */
export interface DialectRuntime {
  readonly dialect: Dialect;
  /** Version, flavor and capabilities of the server behind `session`. */
  readServerInfo(session: Session): Promise<ServerInfo>;
  /** This session's id on the server (pg_backend_pid / CONNECTION_ID): what blocker reports name. */
  backendId(session: Session): Promise<number>;
  /**
   * Puts a step's timeouts and the pinned literal-parsing settings in force on `session`, and
   * returns what puts the session back as it was (a no-op where the transaction's end does it).
   */
  applyStepSettings(session: Session, timeouts: StepTimeouts, scope: SettingsScope): Promise<Restore>;
  /** What a failed statement means to the runner; undefined for anything else. */
  classifyError(error: unknown): ErrorKind | undefined;
  /** The server's own code for an error (SQLSTATE, MySQL errno), for messages. */
  errorCode(error: unknown): string | undefined;
  /** What messages call such a code: `SQLSTATE`, `MySQL error`. */
  readonly errorCodeName: string;
  /** Sessions blocking `backendId` right now, their query already masked and cut. */
  blockersOf(session: Session, backendId: number): Promise<Blocker[]>;
  /** One line naming a blocker for logs and LockTimeoutError. */
  formatBlocker(blocker: Blocker): string;
  /** Transactions holding a lock on `relations` that conflicts with `mode` (lock-wait before a step). */
  conflictingHolders?(
    session: Session,
    relations: readonly TableRef[],
    mode: LockMode,
  ): Promise<LockHolder[]>;
  /** "Already done" must mean "exists as asked": the difference, or undefined when none. */
  findConflict?(
    session: Session,
    expects: Expectation,
    inTransaction: boolean,
  ): Promise<Conflict | undefined>;
  /** An index build's progress, where the server reports one. */
  indexBuildProgress?(session: Session, backendId: number): Promise<IndexBuildProgress | undefined>;
  /** What the current role lacks to use Ballast's objects and meet a plan's requirements. */
  privilegeGaps?(
    session: Session,
    objects: readonly BookkeepingObject[],
    requires: readonly Requirement[],
  ): Promise<{ role: string; gaps: MissingPrivilege[] }>;
  /**
   * True where every DDL statement commits the open transaction (MySQL/MariaDB): the runner
   * refuses a plan's SQL steps inside a caller's transaction instead of ending it silently.
   */
  readonly ddlCommitsTransaction?: boolean;
  /** Ballast's own tables: existence checks and the SQL of the journal and migrator lock. */
  readonly bookkeeping: BookkeepingSql;
  /** The migrator lock as a row with a TTL (PostgreSQL) … */
  readonly migratorLock?: MigratorLockStore;
  /** … or as a lock that lives as long as the session holding it (MySQL GET_LOCK). */
  readonly sessionLock?: SessionLockStore;
}

export interface StepTimeouts {
  readonly lockTimeoutMs: number;
  /** 0 = none. */
  readonly statementTimeoutMs: number;
}

/**
 * - `own-transaction`: inside a transaction Ballast opened for the step (ends with it);
 * - `caller-transaction`: inside a transaction the caller owns (must be put back afterwards);
 * - `session`: outside any transaction (non-transactional steps).
 */
export type SettingsScope = 'own-transaction' | 'caller-transaction' | 'session';
export type Restore = () => Promise<void>;

export type ErrorKind =
  | 'lock-timeout'
  | 'deadlock'
  | 'serialization'
  | 'statement-timeout'
  | 'unique-violation'
  | 'duplicate-object'
  | 'undefined-object'
  | 'insufficient-privilege';

/**
 * Who blocks a session: sampled from another session while our statement waits, so a retry can
 * say who to look at. `pid` is the server's session id (PostgreSQL pid, MySQL connection id).
 */
export interface Blocker {
  readonly pid: number;
  readonly state: string | null;
  readonly ageSeconds: number | null;
  readonly query: string | null;
}

/** A transaction holding a lock that conflicts with the one a step needs. */
export interface LockHolder {
  /** 0 for a prepared transaction (it has no backend). */
  readonly pid: number;
  /** Tells one transaction of a session from its next one (pg_locks.virtualtransaction). */
  readonly vxid: string;
  readonly state: string | null;
  /** Transaction age; null when the server hides it (another role's session). */
  readonly ageMs: number | null;
  /** The holder's query, values masked (like Blocker.query). */
  readonly query: string | null;
  /** The server's name of the conflicting lock, e.g. `AccessShareLock`. */
  readonly mode: string;
}

export interface IndexBuildProgress {
  readonly phase: string;
  readonly blocksDone: number;
  readonly blocksTotal: number;
  readonly tuplesDone: number;
  readonly tuplesTotal: number;
}

/** A table or index (found the way Ballast's queries find it) or a schema. */
export type ObjectKind = 'relation' | 'schema';

/** One of Ballast's own objects, and what a role needs to use one an admin created. */
export interface BookkeepingObject {
  readonly kind: ObjectKind;
  readonly name: string;
  readonly purpose: string;
  /** Indexes created beside the table (creating one needs ownership of the table). */
  readonly index?: { readonly name: string; readonly ddl: string };
}

export interface BookkeepingSql {
  /** Whether Ballast's own object `name` exists; names are bound, never spliced. */
  objectExists(session: Session, kind: ObjectKind, name: string): Promise<boolean>;
  /** Of `columns` (added by later versions), those table `name` lacks. */
  missingColumns(session: Session, name: string, columns: readonly string[]): Promise<string[]>;
  readonly journal: {
    readonly ddl: string;
    /** Params: migration. Rows: `{ step_id }` of the steps that succeeded. */
    readonly completed: string;
    /** Params: migration, step id, ms, success, error message (an upsert). */
    readonly record: string;
  };
}

/** The row a takeover replaced. */
export interface PreviousHolder {
  readonly pid: number | null;
  readonly host: string | null;
  readonly backend_pid: number | null;
  readonly heartbeat_at: string | null;
  readonly expired: boolean;
}

export interface LockHolderRow {
  readonly pid: number | null;
  readonly host: string | null;
  readonly acquired_at: Date;
  readonly expires_at: Date;
}

export interface LockRequest {
  readonly name: string;
  readonly holder: string;
  readonly pid: number;
  readonly host: string;
  readonly ttlMs: number;
}

/** The migrator lock's table (run/migrator-lock.ts decides when; this says how). */
export interface MigratorLockStore {
  readonly table: string;
  readonly ddl: string;
  /** Columns added after the first release: a table without them runs `ddl` again. */
  readonly upgradeColumns: readonly string[];
  /**
   * Where a holder's vanished connection is seen (`pg_stat_activity`), for messages; unset when
   * the lock is taken over by TTL only.
   */
  readonly sessionView?: string;
  /** Takes the lock if free or its holder is gone: what it replaced, or undefined when held. */
  acquire(session: Session, request: LockRequest): Promise<{ previous: PreviousHolder | null } | undefined>;
  /** Extends the TTL; false when the row is no longer ours. */
  renew(session: Session, request: LockRequest): Promise<boolean>;
  release(session: Session, request: LockRequest): Promise<void>;
  holder(session: Session, name: string): Promise<LockHolderRow | undefined>;
}

/** Who holds a session lock: the server's session, and the process its row names. */
export interface SessionLockHolder {
  readonly backendId: number;
  readonly pid: number | null;
  readonly host: string | null;
  /** Null when the holder has not written its row yet. */
  readonly since: Date | null;
}

/**
 * A migrator lock the server ties to one session (run/session-lock.ts holds that session for the
 * run): it ends with the session, so a killed holder never leaves it behind. `table` records who
 * holds it, for messages.
 */
export interface SessionLockStore {
  readonly table: string;
  readonly ddl: string;
  /** Takes the lock on `session` without waiting: false when another session holds it. */
  tryAcquire(session: Session, request: LockRequest): Promise<boolean>;
  /** Whether `session` still holds it (a heartbeat: the server may have cut the connection). */
  stillHeld(session: Session, request: LockRequest): Promise<boolean>;
  release(session: Session, request: LockRequest): Promise<void>;
  holder(session: Session, name: string): Promise<SessionLockHolder | undefined>;
}
