import type { Dialect } from '../db.js';
import { IdentifierTooLongError, InvalidArgumentError } from '../errors.js';
import type { TableRef } from './table-ref.js';

/**
 * The one place SQL identifiers are quoted. Every table, column, index and constraint name that
 * reaches SQL text goes through here; values never do (they are bound parameters).
 */
export function quoteIdent(dialect: Dialect, name: string): string {
  if (name.length === 0 || name.includes('\0')) {
    throw new InvalidArgumentError([
      {
        argument: 'SQL identifier',
        given: JSON.stringify(name),
        allowed: 'a non-empty name without NUL bytes',
      },
    ]);
  }
  requireIdentifierLength(dialect, name);
  return dialect === 'postgres' ? `"${name.replaceAll('"', '""')}"` : `\`${name.replaceAll('`', '``')}\``;
}

/**
 * PostgreSQL keeps 63 bytes of a name (NAMEDATALEN - 1) and silently cuts the rest, so a longer
 * name would resolve to another object (`<63 a's>_legacy` is `<63 a's>`), or be cut inside a
 * multibyte character. MySQL/MariaDB refuse names over 64 characters themselves; we say so first.
 */
export const IDENTIFIER_LIMITS = { postgres: 63, mysql: 64 } as const;

export function requireIdentifierLength(dialect: Dialect, name: string): void {
  const limit = IDENTIFIER_LIMITS[dialect];
  const length = dialect === 'postgres' ? Buffer.byteLength(name) : [...name].length;
  if (length <= limit) return;
  const unit = dialect === 'postgres' ? 'bytes' : 'characters';
  throw new IdentifierTooLongError(
    `SQL identifier ${JSON.stringify(name)} is ${length} ${unit} long; ${dialect === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB'} keeps at most ${limit}`,
    name,
    length,
    limit,
    {
      where: name,
      hint:
        dialect === 'postgres'
          ? `PostgreSQL would silently cut it to ${limit} bytes and act on whatever object has the shorter name; use a name of at most ${limit} bytes (UTF-8: accented letters take 2 bytes)`
          : `use a name of at most ${limit} characters`,
    },
  );
}

/** `schema.table` or `table`, each part quoted. A dot inside a quoted part is kept as written. */
export function quoteQualified(dialect: Dialect, name: string | { schema?: string; name: string }): string {
  const parts = typeof name === 'string' ? { name } : name;
  return parts.schema
    ? `${quoteIdent(dialect, parts.schema)}.${quoteIdent(dialect, parts.name)}`
    : quoteIdent(dialect, parts.name);
}

/** A table reference as it appears in DDL (and, for PostgreSQL, in `to_regclass($1)`). */
export const quoteTable = (dialect: Dialect, ref: TableRef): string =>
  quoteQualified(dialect, ref.schema ? { schema: ref.schema, name: ref.table } : { name: ref.table });

/**
 * PostgreSQL shorthands, defined once here for every planner, the backup store and expand/contract
 * (MySQL code calls quoteIdent/quoteTable with 'mysql').
 */
export const qi = (name: string): string => quoteIdent('postgres', name);
export const qtable = (ref: TableRef): string => quoteTable('postgres', ref);
/** `"a", "b"`; `prefix` (e.g. `t.`) goes before each quoted name. */
export const qcolumns = (names: readonly string[], prefix = ''): string =>
  names.map((n) => `${prefix}${qi(n)}`).join(', ');

/**
 * A SQL string literal, for the few places a value cannot be bound (DDL defaults, COMMENT).
 * Its meaning must not depend on server settings, so no backslash ever relies on one:
 * - PostgreSQL: quotes doubled; a value with a backslash becomes E'...' with backslashes doubled
 *   (what `quote_literal()` does). E'' strings read escapes whatever `standard_conforming_strings`
 *   says, and '' strings without a backslash mean the same under both values.
 * - MySQL/MariaDB: quotes doubled; a value with a backslash becomes a hex literal with a utf8mb4
 *   introducer, because a backslash in '' is an escape unless sql_mode has NO_BACKSLASH_ESCAPES.
 */
export function quoteLiteral(dialect: Dialect, value: string): string {
  if (value.includes('\0')) {
    throw new InvalidArgumentError([
      {
        argument: 'SQL literal',
        given: JSON.stringify(value),
        allowed: 'text without NUL bytes (PostgreSQL text cannot hold them)',
      },
    ]);
  }
  const body = value.replaceAll("'", "''");
  if (!value.includes('\\')) return `'${body}'`;
  if (dialect === 'postgres') return `E'${body.replaceAll('\\', '\\\\')}'`;
  return `_utf8mb4 X'${Buffer.from(value, 'utf8').toString('hex').toUpperCase()}'`;
}
