import { BallastError, UnsafeOperationError, WrongContextError } from '@ballast/core';
import { showValue } from '@ballast/core/adapter';
import { type CallSite, describeCallSite, relativePath } from './call-site.js';

/**
 * Message templates of the Knex adapter, apart from the logic: each names the helper call as the
 * user wrote it, the migration file and line, and the exact change to make.
 */

/** `b.addIndexConcurrently("users", ["email"])`, as people recognise their own call. */
export function describeCall(helper: string, args: readonly unknown[]): string {
  // showValue never throws: knex.raw (whose client is circular), BigInt and cycles included.
  const shown = args.map((a) => (typeof a === 'function' ? '(t) => …' : showValue(a, 200))).join(', ');
  return `${helper}(${shown})`;
}

const where = (site: CallSite | undefined) => (site ? describeCallSite(site) : 'this migration');

/** Inside Knex's migration transaction, for a step that must run on its own (CONCURRENTLY, batches). */
export function explainWrongContext(
  error: WrongContextError,
  call: string,
  site: CallSite | undefined,
): WrongContextError {
  const file = site ? relativePath(site.file) : 'the migration file';
  return new WrongContextError(
    `${call} at ${where(site)} cannot run inside the transaction Knex opened for this migration: ${firstLine(error.message)}`,
    {
      where: where(site),
      hint:
        `add this line to ${file}:\n      export const config = { transaction: false };\n` +
        '    (CommonJS: exports.config = { transaction: false };). Knex then runs this migration without a ' +
        'transaction; Ballast commits each step on its own and a rerun resumes where a failed run stopped.',
      cause: error,
    },
  );
}

/** `up` ran for a migration knex_migrations already records: another process applied it meanwhile. */
export function alreadyAppliedError(name: string, call: string, site: CallSite | undefined): BallastError {
  return new BallastError(
    `${call} at ${where(site)}: migration ${name} is already recorded in knex_migrations; another process applied it while this one waited for Knex's migration lock`,
    {
      where: where(site),
      hint: 'nothing was changed by this process. Run `knex migrate:latest` again: it reports "Already up to date".',
    },
  );
}

/** `reverse.<helper>` for an operation whose plan has no reverse steps. */
export function irreversibleError(
  call: string,
  site: CallSite | undefined,
  operation: string,
): UnsafeOperationError {
  return new UnsafeOperationError(
    `${call} at ${where(site)}: ${operation} cannot be reversed automatically`,
    {
      where: where(site),
      hint: 'write the down() by hand (e.g. re-add the column with safeAddColumn and backfill it)',
    },
  );
}

const firstLine = (text: string) => text.split('\n')[0]!;
