import { createHash } from 'node:crypto';
import type { Dialect } from '../db.js';
import { findMysqlStatementBreak } from '../dialects/mysql/scan.js';
import { findStatementBreak } from '../dialects/postgres/scan.js';
import { displayName, type TableRef, tableRef } from '../dialects/table-ref.js';
import { UnsafeOperationError } from '../errors.js';
import type { Requirement, SqlStep } from '../plan.js';

/** Shared by the planners in ops/: step construction, default names, input checks. */

// Quoting lives in dialects/quote.ts, the table reference in dialects/table-ref.ts: re-exported
// here because every planner needs them beside the step helpers.
export { qcolumns, qi, qtable } from '../dialects/quote.js';
export { displayName };

export const sqlStep = (step: Omit<SqlStep, 'kind'>): SqlStep => ({ kind: 'sql', ...step });

/** What a plan on `ref` needs: ownership, and CREATE on its schema when it creates objects there. */
export const ownerOf = (ref: TableRef, createsInSchema = false): Requirement[] => [
  { privilege: 'owner', table: ref },
  ...(createsInSchema ? [{ privilege: 'create' as const, table: ref }] : []),
];

/** A step's `relations`: the tables only, not the rest of a planner's input. */
export const relationsOf = (...refs: readonly TableRef[]): TableRef[] => refs.map((r) => tableRef(r));

export const MAX_IDENT_BYTES = 63;

/**
 * A default identifier from parts (`users_email_idx`). PostgreSQL silently truncates names to
 * 63 bytes, which would make our catalog checks look for a name that never exists; long names
 * are therefore cut here and made unique with a short hash of the full name.
 */
export function defaultName(parts: readonly string[], suffix: string): string {
  return fitName(parts.join('_'), `_${suffix}`);
}

/**
 * `head + tail` when it fits in 63 bytes; otherwise `head` is cut on a character boundary and a
 * short hash of the whole name goes before `tail` (kept intact: `_idx`, `_new`, a timestamp), so
 * two long names never end up as the same identifier.
 */
export function fitName(head: string, tail = ''): string {
  const full = `${head}${tail}`;
  if (Buffer.byteLength(full) <= MAX_IDENT_BYTES) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${truncateBytes(head, MAX_IDENT_BYTES - Buffer.byteLength(tail) - 9)}_${hash}${tail}`;
}

export function truncateBytes(text: string, maxBytes: number): string {
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch) > maxBytes) break;
    out += ch;
  }
  return out;
}

export function requireIdentifiers(where: string, what: string, names: readonly string[]): void {
  if (names.length === 0) {
    throw new UnsafeOperationError(`${where}: no ${what} given`, {
      where,
      hint: `pass at least one ${what}`,
    });
  }
}

/**
 * Caller-supplied SQL fragments (types, defaults, CHECK and WHERE expressions) are SQL by
 * contract, never user data. This only rejects what can never belong in one fragment and would
 * turn it into several statements or hide text from us: `;` and comments outside quotes (inside
 * string literals, quoted identifiers and dollar quotes they are just characters).
 */
export function requireFragment(
  where: string,
  what: string,
  sql: string,
  dialect: Dialect = 'postgres',
): string {
  const text = sql.trim();
  if (text.length === 0) throw new UnsafeOperationError(`${where}: empty ${what}`, { where });
  // Each server's own quoting: a MySQL fragment read as PostgreSQL would let `#` comments through.
  const found = dialect === 'mysql' ? findMysqlStatementBreak(text) : findStatementBreak(text);
  if (found) {
    throw new UnsafeOperationError(
      `${where}: the ${what} \`${text}\` contains ${found.found} at character ${found.offset + 1}, outside quotes`,
      {
        where,
        hint: `${what} must be one SQL expression; values from users belong in bound parameters, not here`,
      },
    );
  }
  return text;
}

/** ON DELETE / ON UPDATE actions, the only words allowed there. */
const REFERENTIAL_ACTIONS = ['no action', 'restrict', 'cascade', 'set null', 'set default'] as const;
export type ReferentialAction = (typeof REFERENTIAL_ACTIONS)[number];

export function referentialAction(where: string, action: string): string {
  const normal = action.trim().toLowerCase().replace(/\s+/g, ' ');
  if (!(REFERENTIAL_ACTIONS as readonly string[]).includes(normal)) {
    throw new UnsafeOperationError(`${where}: unknown referential action \`${action}\``, {
      where,
      hint: `use one of: ${REFERENTIAL_ACTIONS.join(', ')}`,
    });
  }
  return normal.toUpperCase();
}
