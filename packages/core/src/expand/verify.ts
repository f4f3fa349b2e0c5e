import type { Session } from '../db.js';
import { normalizedType } from '../dialects/postgres/compare/index.js';
import { type ColumnInfo, readColumn } from '../dialects/postgres/introspect.js';
import { qtable } from '../dialects/quote.js';
import { displayName } from '../dialects/table-ref.js';
import { ObjectConflictError } from '../errors.js';
import { EXPANSIONS_TABLE, type ExpansionRecord } from './catalog.js';
import { syncFunctionName } from './sync-trigger.js';

/**
 * A `ballast_expansions` record is only a promise about the catalog: a table dropped and
 * recreated outside Ballast keeps the record but loses the sync trigger, so its new column was
 * never kept equal to the old one. Before contract, undoExpand and undoContract act on the
 * record, the table must still be the one the record describes:
 * - contract: the sync trigger attached (or, on a rerun, already gone together with the old
 *   column), the new column of the recorded type, the old column (if still there) of its type;
 * - undo expand: sync trigger attached, both columns there with their types (the old column is
 *   the copy that stays: without it, dropping the new column would lose every value);
 * - undo contract: the new column of the recorded type (it holds the live values), the old
 *   column gone or of its type (an interrupted undo brought it back), no sync trigger of that
 *   name running another function.
 */
export type ExpansionPhase = 'contract' | 'undo expand' | 'undo contract';

interface CatalogState {
  readonly exists: boolean;
  readonly trigger: boolean;
  readonly ours: boolean;
  readonly oldColumn: ColumnInfo | undefined;
  readonly newColumn: ColumnInfo | undefined;
}

async function readState(session: Session, e: ExpansionRecord): Promise<CatalogState> {
  const ref = { table: e.table, schema: e.schema };
  const [table] = await session.query<{ exists: boolean; trigger: boolean; ours: boolean }>(
    `select to_regclass($1) is not null as exists,
            exists (select 1 from pg_trigger where tgrelid = to_regclass($1) and tgname = $2) as trigger,
            exists (select 1 from pg_trigger where tgrelid = to_regclass($1) and tgname = $2
                      and tgfoid = to_regprocedure($3)) as ours`,
    [qtable(ref), e.syncTrigger, `${syncFunctionName({ schema: e.schema, functionName: e.syncFunction })}()`],
  );
  const exists = table!.exists;
  return {
    ...table!,
    oldColumn: exists ? await readColumn(session, ref, e.oldColumn) : undefined,
    newColumn: exists ? await readColumn(session, ref, e.newColumn) : undefined,
  };
}

function problemsOf(phase: ExpansionPhase, e: ExpansionRecord, s: CatalogState, newType: string): string[] {
  if (!s.exists) return [`table ${displayName({ table: e.table, schema: e.schema })} does not exist`];
  const oldMissing =
    phase === 'undo expand' && !s.oldColumn
      ? [`${e.oldColumn} does not exist (dropping ${e.newColumn} would lose every value)`]
      : [];
  // Contract drops the old column before the trigger: a missing trigger with the old column still there was not us.
  const triggerMissing = phase === 'undo expand' || (phase === 'contract' && s.oldColumn !== undefined);
  return [
    ...(s.newColumn ? [] : [`${e.newColumn} does not exist`]),
    ...(s.newColumn && s.newColumn.type !== newType
      ? [`${e.newColumn} is ${s.newColumn.type}, not ${newType}`]
      : []),
    ...oldMissing,
    ...(s.oldColumn && s.oldColumn.type !== e.oldType
      ? [`${e.oldColumn} is ${s.oldColumn.type}, not ${e.oldType}`]
      : []),
    ...(s.trigger && !s.ours ? [`trigger ${e.syncTrigger} runs another function`] : []),
    ...(triggerMissing && !s.trigger ? [`sync trigger ${e.syncTrigger} is missing`] : []),
  ];
}

export async function requireExpansionInPlace(
  session: Session,
  e: ExpansionRecord,
  inTransaction: boolean,
  phase: ExpansionPhase = 'contract',
): Promise<void> {
  const state = await readState(session, e);
  const newType = await normalizedType(session, e.newType, inTransaction).catch(() => e.newType);
  const problems = problemsOf(phase, e, state, newType);
  if (problems.length === 0) return;
  const table = displayName({ table: e.table, schema: e.schema });
  const where = `${table}.${e.oldColumn} → ${e.newColumn}`;
  const column = (name: string, info: ColumnInfo | undefined) => `${name} ${info ? info.type : '(missing)'}`;
  // An open record is closed as contracted; a contracted one that no longer applies is removed.
  const close =
    e.status === 'expanded'
      ? `UPDATE ${EXPANSIONS_TABLE} SET status = 'contracted', contracted_at = now() WHERE id = ${e.id}`
      : `DELETE FROM ${EXPANSIONS_TABLE} WHERE id = ${e.id}`;
  throw new ObjectConflictError(
    `${phase} ${where}: the table no longer matches expansion ${e.id} in ${EXPANSIONS_TABLE} (${problems.join('; ')}); ` +
      'it was changed outside Ballast (dropped and recreated?), so the columns may not hold what the record says. Nothing was changed.',
    `${table}: ${column(e.oldColumn, state.oldColumn)}, ${column(e.newColumn, state.newColumn)}, sync trigger ${state.trigger ? 'present' : 'missing'}`,
    `${table}: ${e.oldColumn} ${phase === 'undo contract' ? '(dropped)' : e.oldType}, ${e.newColumn} ${newType}, ` +
      `sync trigger ${e.syncTrigger}${phase === 'undo contract' ? ' (dropped)' : ''}`,
    {
      where,
      hint:
        `compare the columns' data first. If the table was changed on purpose, close the stale record (${close}) ` +
        `and ${e.status === 'expanded' ? 'expand again if the change is still wanted' : 'restore the old column by hand from its backup if you need it (listBackups)'}.`,
    },
  );
}
