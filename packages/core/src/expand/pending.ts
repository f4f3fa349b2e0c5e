import type { Session } from '../db.js';
import { displayName, type ResolvedTableRef } from '../dialects/table-ref.js';
import { ObjectConflictError } from '../errors.js';
import { EXPANSIONS_TABLE, selectExpansions } from './catalog.js';

/**
 * One pending expansion per column: a second one would share its sync function (named after
 * table and old column), replace its body and stop keeping the first pair of columns equal, and
 * two triggers writing the same column would fight. The only expansion allowed through is the
 * same one again (same old and new column), whose steps are then already done.
 */
export async function requireNoPendingExpansion(
  session: Session,
  ref: ResolvedTableRef,
  names: { readonly column: string; readonly newColumn: string },
  where: string,
): Promise<void> {
  const mine = [names.column, names.newColumn];
  const pending = (await selectExpansions(session, { table: ref.table, status: 'expanded' })).filter(
    (e) =>
      e.schema === ref.schema &&
      (mine.includes(e.oldColumn) || mine.includes(e.newColumn)) &&
      !(e.oldColumn === names.column && e.newColumn === names.newColumn),
  );
  const e = pending[0];
  if (!e) return;
  const table = displayName(ref);
  const other = `${e.kind} ${table}.${e.oldColumn} → ${e.newColumn} (expansion ${e.id}${e.migration ? `, migration ${e.migration}` : ''})`;
  throw new ObjectConflictError(
    `${where}: ${table}.${e.oldColumn} is already being expanded by ${other}, awaiting its contract; ` +
      'two open expansions of one column would share its sync function and fight over its values. Nothing was changed.',
    other,
    `another open expansion ${table}.${names.column} → ${names.newColumn}`,
    {
      where: `${table}.${names.column}`,
      hint:
        `finish the pending one first: contract(db, { table: '${e.table}', column: '${e.newColumn}' }) once no code ` +
        `uses ${e.oldColumn}, or undoExpand it; pendingContractions(db, { table: '${e.table}' }) lists what is ` +
        `pending (${EXPANSIONS_TABLE}).`,
    },
  );
}
