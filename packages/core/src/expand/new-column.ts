import type { Session } from '../db.js';
import { readColumn } from '../dialects/postgres/introspect.js';
import { qtable, quoteIdent } from '../dialects/quote.js';
import { displayName, type TableRef } from '../dialects/table-ref.js';
import { ObjectConflictError } from '../errors.js';

/**
 * The new column of an expand must be new: the sync trigger and the backfill write every row of
 * it, so an existing column of that name would lose its data. The one column that may exist is
 * this expansion's own, left by an earlier, interrupted run of the same expand, which resumes:
 * its sync trigger is attached already, or (the run stopped between adding the column and
 * attaching the trigger) it holds no value at all, so taking it over overwrites nothing.
 * Its type and default are compared by the plan's own add-column step (expect.ts).
 */
export async function requireNewColumnFree(
  session: Session,
  ref: TableRef,
  names: { readonly column: string; readonly newColumn: string; readonly triggerName: string },
  where: string,
): Promise<void> {
  if (names.newColumn === names.column) return; // the planner refuses that with its own message
  const existing = await readColumn(session, ref, names.newColumn);
  if (!existing) return;
  const [own] = await session.query<{ synced: boolean; empty: boolean }>(
    `select exists (select 1 from pg_trigger where tgrelid = to_regclass($1) and tgname = $2) as synced,
            not exists (select 1 from ${qtable(ref)} where ${quoteIdent('postgres', names.newColumn)} is not null) as empty`,
    [qtable(ref), names.triggerName],
  );
  if (own!.synced || own!.empty) return;
  const column = `${displayName(ref)}.${names.newColumn}`;
  throw new ObjectConflictError(
    `${where}: column ${column} already exists and holds data; the sync trigger would overwrite it with ${names.column}. Nothing was changed.`,
    `column ${column} ${existing.type}${existing.notNull ? ' NOT NULL' : ''}, with values, not made by this expand`,
    `a new column ${names.newColumn}, filled from ${names.column}`,
    {
      where: column,
      hint: `choose another name for the new column, or drop the existing ${names.newColumn} first (dropColumn keeps a backup) if its data is not needed`,
    },
  );
}
