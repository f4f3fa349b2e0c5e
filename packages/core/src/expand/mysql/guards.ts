import type { Database, Session } from '../../db.js';
import { quoteIdent } from '../../dialects/quote.js';
import { displayName, type ResolvedTableRef, type TableRef } from '../../dialects/table-ref.js';
import { ObjectConflictError, UnsafeOperationError } from '../../errors.js';
import { EXPANSIONS_TABLE } from '../catalog.js';
import { selectMysqlExpansions } from './catalog.js';

/** One pending expansion per column, as on PostgreSQL (../pending.ts): two would fight over its values. */
export async function requireNoPendingMysqlExpansion(
  s: Session,
  ref: ResolvedTableRef,
  names: { readonly column: string; readonly newColumn: string },
  where: string,
): Promise<void> {
  const mine = [names.column, names.newColumn];
  const e = (await selectMysqlExpansions(s, { ...ref, status: 'expanded' })).find(
    (e) =>
      (mine.includes(e.oldColumn) || mine.includes(e.newColumn)) &&
      !(e.oldColumn === names.column && e.newColumn === names.newColumn),
  );
  if (!e) return;
  const table = displayName(ref);
  const other = `${e.kind} ${table}.${e.oldColumn} → ${e.newColumn} (expansion ${e.id}${e.migration ? `, migration ${e.migration}` : ''})`;
  throw new ObjectConflictError(
    `${where}: ${table}.${e.oldColumn} is already being expanded by ${other}, awaiting its contract; two open expansions of one column would fight over its values. Nothing was changed.`,
    other,
    `another open expansion ${table}.${names.column} → ${names.newColumn}`,
    {
      where: `${table}.${names.column}`,
      hint: `finish the pending one first: contract it once no code uses ${e.oldColumn}, or undo its expand; pendingContractions(db, { table: '${e.table}' }) lists what is pending (${EXPANSIONS_TABLE}).`,
    },
  );
}

/**
 * NULL on one side means "not converted yet" to the backfill and the triggers, so a conversion
 * must keep NULL as NULL; each is evaluated once on a NULL (a SELECT, nothing written).
 */
export async function requireNullPreservingMysql(
  s: Session,
  conversions: readonly { option: string; expression: string; column: string }[],
  where: string,
): Promise<void> {
  for (const c of conversions) {
    const [row] = await s.query<{ n: number }>(
      `select (${c.expression}) is null as n from (select null as ${quoteIdent('mysql', c.column)}) as ballast_row`,
    );
    if (Number(row?.n) === 1) continue;
    throw new UnsafeOperationError(
      `${where}: \`${c.option}\` (${c.expression}) turns NULL into a value; while expanded, NULL means "not converted yet"`,
      {
        where,
        hint: 'keep NULL as NULL in the conversion; fill the NULL rows with a backfill before the expand (or after the contract) instead',
      },
    );
  }
}

/**
 * An online copy of a table with an open expansion would refuse it for its sync triggers ("triggers
 * of its own"), and could not carry them over: said plainly, before the copy starts.
 */
export async function requireNoMysqlExpansionOn(db: Database, ref: TableRef, what: string): Promise<void> {
  const [e] = await db.withSession((s) =>
    selectMysqlExpansions(s, { table: ref.table, schema: ref.schema, status: 'expanded' }),
  );
  if (!e) return;
  throw new UnsafeOperationError(
    `${what}: ${displayName(ref)} has an open expansion (${e.kind} ${e.oldColumn} → ${e.newColumn}, expansion ${e.id}) whose sync triggers an online copy cannot carry over. Nothing was changed.`,
    {
      where: displayName(ref),
      hint: `contract it (or undo its expand) first, or change this column by expand/contract too (changeColumnType with newColumn)`,
    },
  );
}
