/**
 * Errors carry fields, not only text, so callers and tests can compare values. Every message says
 * what failed, where, why, and what to do next.
 */
export class BallastError extends Error {
  override readonly name: string = 'BallastError';
  constructor(
    message: string,
    readonly details: { readonly where?: string; readonly hint?: string; readonly cause?: unknown } = {},
  ) {
    super(details.hint ? `${message}\n  → ${details.hint}` : message, { cause: details.cause });
  }
}

/** An optional peer dependency the called function needs is not installed in the project. */
export class MissingDependencyError extends BallastError {
  override readonly name = 'MissingDependencyError';
}

/** The caller asked for something that would lose data or block production without opting in. */
export class UnsafeOperationError extends BallastError {
  override readonly name = 'UnsafeOperationError';
}

/** The helper cannot run where it was called (e.g. CONCURRENTLY inside a transaction). */
export class WrongContextError extends BallastError {
  override readonly name = 'WrongContextError';
}

/** The server is a version on which the operation is known to be unsafe or impossible. */
export class UnsupportedServerError extends BallastError {
  override readonly name = 'UnsupportedServerError';
}

/** The table an operation names does not exist (in the schema given, or on the search_path). */
export class TableNotFoundError extends BallastError {
  override readonly name = 'TableNotFoundError';
}

/** A column an operation names does not exist on its table. */
export class ColumnNotFoundError extends BallastError {
  override readonly name = 'ColumnNotFoundError';
}

/** A step could not take its lock within lock_timeout, on every allowed attempt. */
export class LockTimeoutError extends BallastError {
  override readonly name = 'LockTimeoutError';
  constructor(
    message: string,
    readonly step: string,
    readonly attempts: number,
    /** The blocking sessions seen on the last attempt, one line each. */
    readonly blockers: readonly string[],
    details: ConstructorParameters<typeof BallastError>[1] = {},
  ) {
    super(message, details);
  }
}

/** A step failed for a reason other than a lock timeout; `sqlState` is the server's code. */
export class StepFailedError extends BallastError {
  override readonly name = 'StepFailedError';
  constructor(
    message: string,
    readonly step: string,
    readonly sqlState: string | undefined,
    details: ConstructorParameters<typeof BallastError>[1] = {},
  ) {
    super(message, details);
  }
}

/** Another process holds the migrator lock (`ballast_locks`) and did not release it in time. */
export class LockedError extends BallastError {
  override readonly name = 'LockedError';
  constructor(
    message: string,
    readonly lockName: string,
    readonly holder: {
      readonly pid: number | null;
      readonly host: string | null;
      /** Null when a session lock's holder has not recorded itself yet. */
      readonly since: Date | null;
      /** Null for a lock that ends with its holder's session (MySQL GET_LOCK), not by TTL. */
      readonly expiresAt: Date | null;
    },
    details: ConstructorParameters<typeof BallastError>[1] = {},
  ) {
    super(message, details);
  }
}

/**
 * An object of the requested name already exists with another definition (column type, default,
 * index columns, constraint expression …): the step is neither done nor safe to run.
 */
export class ObjectConflictError extends BallastError {
  override readonly name = 'ObjectConflictError';
  constructor(
    message: string,
    /** What is there, e.g. `column users.age integer NOT NULL`. */
    readonly existing: string,
    /** What was asked for, normalized by the server the same way. */
    readonly requested: string,
    details: ConstructorParameters<typeof BallastError>[1] = {},
  ) {
    super(message, details);
  }
}

/** A name longer than the server keeps: PostgreSQL would silently cut it and act on another object. */
export class IdentifierTooLongError extends BallastError {
  override readonly name = 'IdentifierTooLongError';
  constructor(
    message: string,
    readonly identifier: string,
    /** Its length in the server's unit: bytes (PostgreSQL) or characters (MySQL). */
    readonly length: number,
    readonly limit: number,
    details: ConstructorParameters<typeof BallastError>[1] = {},
  ) {
    super(message, details);
  }
}

/** One privilege the current role lacks, and the GRANT (or admin statement) that gives it. */
export interface MissingPrivilege {
  /** What needs it, e.g. `ballast_locks (the migrator lock)` or `table public.users`. */
  readonly object: string;
  /** e.g. `CREATE on schema public`, `INSERT, UPDATE on table public.ballast_locks`. */
  readonly privilege: string;
  /** The statement an admin runs; null when no single GRANT fixes it. */
  readonly grant: string | null;
}

/** The role cannot do what the helper needs; raised before any change, listing every gap. */
export class PrivilegeError extends BallastError {
  override readonly name = 'PrivilegeError';
  constructor(
    message: string,
    readonly missing: readonly MissingPrivilege[],
    details: ConstructorParameters<typeof BallastError>[1] = {},
  ) {
    super(message, details);
  }
}

/**
 * A run failed and objects that act on the application's writes stayed behind (made by an earlier
 * run, or their undo failed too); `leftInForce` names each with the SQL that removes it.
 */
export class LeftInForceError extends BallastError {
  override readonly name = 'LeftInForceError';
  constructor(
    message: string,
    readonly leftInForce: readonly {
      readonly step: string;
      readonly description: string;
      readonly sql: string;
    }[],
    details: ConstructorParameters<typeof BallastError>[1] = {},
  ) {
    super(message, details);
  }
}
/** One wrong argument: which one, what was given, what is allowed, and the likely intended key or value. */
export interface ArgumentProblem {
  /** e.g. `safeAddColumn spec.defualt`. */
  readonly argument: string;
  /** The value given, shown safely (never the raw object). */
  readonly given: string;
  readonly allowed: string;
  /** The closest allowed key or value, when one is near enough to be a typo. */
  readonly suggestion?: string | undefined;
}

/**
 * A public function got an unknown key, a wrong type or an impossible value. Raised before any
 * SQL runs. One line per problem; the first problem's fields are repeated at the top level.
 */
export class InvalidArgumentError extends BallastError {
  override readonly name = 'InvalidArgumentError';
  readonly argument: string;
  readonly given: string;
  readonly allowed: string;
  readonly suggestion: string | undefined;
  constructor(
    readonly problems: readonly [ArgumentProblem, ...ArgumentProblem[]],
    /** Where the call was written (e.g. `migrations/20240102_add.ts:6`), when known. */
    at?: string,
  ) {
    const [first] = problems;
    const lines = problems.map(problemLine);
    super((at ? [`refused at ${at}:`, ...lines.map((l) => `  ${l}`)] : lines).join('\n'), {
      where: at ?? first.argument,
      hint: 'fix the arguments named above; nothing was run',
    });
    this.argument = first.argument;
    this.given = first.given;
    this.allowed = first.allowed;
    this.suggestion = first.suggestion;
  }
}

const problemLine = (p: ArgumentProblem) =>
  `${p.argument}: given ${p.given}; allowed: ${p.allowed}${p.suggestion ? `. Did you mean \`${p.suggestion}\`?` : ''}`;
