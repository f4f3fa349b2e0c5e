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
