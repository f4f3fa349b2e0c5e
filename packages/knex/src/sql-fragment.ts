import { quoteLiteral, schemas } from '@ballast/core/adapter';
import type { Knex } from 'knex';
import { z } from 'zod';

/**
 * `knex.raw(sql, bindings)` and `knex.fn.now()` where a SQL fragment is accepted (defaults,
 * CHECK and WHERE expressions, backfill SET, using/reverseUsing). DDL and batched UPDATEs take
 * no bound parameters, so the bindings are rendered as literals here, by core's quoteLiteral;
 * `??` identifiers were already quoted by Knex.
 */

/** Anything Knex compiles with `toSQL()` to `{ sql, bindings }`: Raw, and `knex.fn.now()`. */
export function isKnexRaw(value: unknown): value is Knex.Raw {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { toSQL?: unknown }).toSQL === 'function' &&
    'client' in value
  );
}

type Binding = string | number | bigint | boolean | null | Date;

/** Why a binding cannot be a literal, or undefined when it can. */
function bindingProblem(value: unknown): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'bigint') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'a finite number';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'a valid Date' : undefined;
  return 'bindings that are strings, numbers, booleans, null or Dates (write lists and JSON as SQL text)';
}

function renderBinding(value: Binding): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  // Parenthesised so `x - ?` with -1 cannot become the comment `x --1`.
  if (typeof value === 'number' || typeof value === 'bigint') return value < 0 ? `(${value})` : String(value);
  if (value instanceof Date) return quoteLiteral('postgres', value.toISOString());
  return quoteLiteral('postgres', value);
}

/** The raw's SQL with each `?` replaced by its binding's literal (`\?` is a plain `?`, as in Knex). */
export function renderRaw(raw: Knex.Raw): string {
  const { sql, bindings } = raw.toSQL();
  const values = [...(bindings ?? [])] as Binding[];
  return sql.replace(/\\?\?/g, (match) => (match === '\\?' ? '?' : renderBinding(values.shift()!)));
}

/** A knex.raw / knex.fn.now(), its bindings checked, parsed to SQL text. */
export const knexRaw = z
  .custom<Knex.Raw>(isKnexRaw)
  .superRefine((raw, ctx) => {
    const bindings = raw.toSQL().bindings ?? [];
    bindings.forEach((value, i) => {
      const allowed = bindingProblem(value);
      if (allowed) ctx.addIssue({ code: 'custom', message: allowed, path: ['bindings', i], input: value });
    });
  })
  .transform(renderRaw);

/** A SQL fragment: text you write, or knex.raw / knex.fn.now(); parsed to SQL text. */
export const fragment = z
  .union([schemas.sql, knexRaw])
  .describe('a SQL expression: a non-empty string, knex.raw(sql, bindings) or knex.fn.now()');

export type Fragment = z.input<typeof fragment>;
