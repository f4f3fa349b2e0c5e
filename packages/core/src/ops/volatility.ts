/**
 * Is a DEFAULT expression volatile? PostgreSQL >= 11 adds a column with a non-volatile default
 * instantly (the value is computed once and kept in the catalog); a volatile one (random(),
 * clock_timestamp(), nextval(), ...) must be computed per row, which rewrites the whole table
 * under ACCESS EXCLUSIVE. The planner has no catalog, so it decides from this list and is
 * conservative: a call to a function it does not know is treated as volatile (safe, slower
 * plan). Callers who know better pass `volatile: false` (or true) explicitly.
 */
export const KNOWN_VOLATILE_FUNCTIONS: ReadonlySet<string> = new Set([
  'random',
  'random_normal',
  'setseed',
  'gen_random_uuid',
  'gen_random_bytes',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'uuidv4',
  'uuidv7',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'currval',
  'lastval',
  'setval',
  'txid_current',
  'pg_current_xact_id',
]);

/** Immutable or stable functions: evaluated once at ALTER time, like a constant. */
export const KNOWN_NON_VOLATILE_FUNCTIONS: ReadonlySet<string> = new Set([
  'now',
  'transaction_timestamp',
  'statement_timestamp',
  'current_date',
  'current_timestamp',
  'localtimestamp',
  'date_trunc',
  'make_interval',
  'make_date',
  'to_timestamp',
  'to_char',
  'to_date',
  'lower',
  'upper',
  'length',
  'concat',
  'concat_ws',
  'substr',
  'substring',
  'trim',
  'replace',
  'md5',
  'coalesce',
  'nullif',
  'greatest',
  'least',
  'abs',
  'round',
  'floor',
  'ceil',
  'cast',
  'array',
  'row',
  'jsonb_build_object',
  'json_build_object',
  'jsonb_build_array',
  'json_build_array',
  'to_jsonb',
  'to_json',
  'current_user',
  'current_setting',
]);

export interface Volatility {
  readonly volatile: boolean;
  readonly reason: string;
}

export function defaultVolatility(sql: string): Volatility {
  // String literals cannot call functions; type modifiers after `::` or `AS` (varchar(20)) are not calls.
  const text = sql.replace(/'(?:[^']|'')*'/g, "''").toLowerCase();
  const calls = [...text.matchAll(/(::\s*|\bas\s+)?([a-z_][a-z0-9_$.]*)\s*\(/g)]
    .filter((m) => m[1] === undefined)
    .map((m) => m[2]!.split('.').pop()!);
  const volatile = calls.find((f) => KNOWN_VOLATILE_FUNCTIONS.has(f));
  if (volatile) return { volatile: true, reason: `${volatile}() is volatile` };
  const unknown = calls.find((f) => !KNOWN_NON_VOLATILE_FUNCTIONS.has(f));
  if (unknown) {
    return {
      volatile: true,
      reason: `${unknown}() is not known to be stable; pass volatile: false if it is`,
    };
  }
  return { volatile: false, reason: 'constant, or only stable/immutable functions' };
}
