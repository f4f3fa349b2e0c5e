import { z } from 'zod';
import type { ProgressReporter } from '../report/progress.js';

/**
 * Building blocks of the input schemas. Each carries a description, which is what an
 * InvalidArgumentError says is allowed.
 */

/** A table, column, index or constraint name as written (quoted by the planners, never split). */
export const name = z.string().min(1).describe('a non-empty name (string)');

export const names = z.array(name).min(1).readonly().describe('a non-empty array of names, e.g. ["email"]');

/** A SQL fragment written by the developer (a type, a default, a CHECK or WHERE expression). */
export const sql = z
  .string()
  .refine((s) => s.trim().length > 0)
  .describe('a SQL expression (non-empty string)');

export const milliseconds = z.number().nonnegative().describe('a number of milliseconds >= 0');
export const positiveInt = z.number().int().positive().describe('a whole number > 0');
export const nonNegativeInt = z.number().int().nonnegative().describe('a whole number >= 0');

export const days = z.number().nonnegative().describe('a number of days >= 0');

/** A literal value, rendered by core as a SQL literal (a column default's `{ value }`). */
export const literal = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .describe('a string, a finite number, a boolean or null');

/**
 * `confirmUnused` is judged by ops/drop-guard.ts, whose refusal explains what to deploy first;
 * here it only has to be a boolean if given (optional, so a missing one reaches that refusal;
 * the input types still require `true`).
 */
export const confirmUnused = z.boolean().optional().describe('true');

export const fn = <T>(what = 'a function') =>
  z.custom<T>((v) => typeof v === 'function', { message: what }).describe(what);

export const progressReporter = z
  .custom<ProgressReporter>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      typeof (v as ProgressReporter).update === 'function' &&
      typeof (v as ProgressReporter).finish === 'function',
  )
  .describe('a progress reporter { update(event), finish(event) }');

/** `{ table, schema? }`, spread into most planner inputs. */
export const tableRef = { table: name, schema: name.optional() };

/** A table as the caller names it: `{ table, schema? }`. */
export const tableName = z.strictObject(tableRef).readonly().describe('{ table, schema? } (names)');
