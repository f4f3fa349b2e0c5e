import type { Session } from '../../../db.js';
import type { Expectation } from '../../../expect.js';
import { compareColumn, normalizeColumn } from './column.js';
import { compareConstraint } from './constraint.js';
import { compareIndex } from './index-def.js';
import { scratchOn } from './scratch.js';
import type { Conflict } from './types.js';

export type { Conflict } from './types.js';

/**
 * Compares what a step expects (expect.ts) with what the catalog has under that name: undefined
 * when nothing of that name exists or it is exactly what was asked, else the difference.
 * `inTransaction`: the session is inside the caller's transaction (scratch work uses a savepoint).
 */
export function findConflict(
  session: Session,
  expectation: Expectation,
  inTransaction: boolean,
): Promise<Conflict | undefined> {
  const scratch = scratchOn(session, inTransaction);
  switch (expectation.kind) {
    case 'column':
      return compareColumn(session, scratch, expectation);
    case 'index':
      return compareIndex(session, scratch, expectation);
    default:
      return compareConstraint(session, scratch, expectation);
  }
}

/** A SQL type as the server names it (`int` → `integer`), for comparisons with format_type. */
export async function normalizedType(
  session: Session,
  type: string,
  inTransaction: boolean,
): Promise<string> {
  const scratch = scratchOn(session, inTransaction);
  return (await normalizeColumn(session, scratch, { type, default: null, notNull: false })).type;
}
