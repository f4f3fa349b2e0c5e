import { BallastError } from '@ballast/core';

/** A document kept changing under the compare-and-set write; the loop retries the batch. */
export class WriteConflictError extends BallastError {
  override readonly name = 'WriteConflictError';
}

/** The document is at a version this code cannot convert (e.g. newer than the code, or no step). */
export class VersionMismatchError extends BallastError {
  override readonly name = 'VersionMismatchError';
}
