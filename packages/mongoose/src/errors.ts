import { BallastError } from '@ballast/core';
import type { z } from 'zod';

/**
 * Options given to a public helper of this package do not match its schema. Core's
 * InvalidArgumentError (another branch) should replace this class once it lands.
 */
export class InvalidOptionsError extends BallastError {
  override readonly name = 'InvalidOptionsError';
  constructor(
    readonly helper: string,
    /** One line per problem: `path: message`. */
    readonly problems: readonly string[],
  ) {
    super(`${helper}: invalid options: ${problems.join('; ')}`, {
      where: helper,
      hint: 'fix the listed options (see packages/mongoose/README.md for each option and its default)',
    });
  }
}

/** Parses `input` with `schema` or throws InvalidOptionsError naming every bad option. */
export function parseOptions<S extends z.ZodType>(helper: string, schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new InvalidOptionsError(
    helper,
    parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(options)'}: ${i.message}`),
  );
}

/** A document kept changing under the compare-and-set write; the loop retries the batch. */
export class WriteConflictError extends BallastError {
  override readonly name = 'WriteConflictError';
}

/** The document is at a version this code cannot convert (e.g. newer than the code, or no step). */
export class VersionMismatchError extends BallastError {
  override readonly name = 'VersionMismatchError';
}
