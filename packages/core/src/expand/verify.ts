import type { Session } from '../db.js';
import { normalizedType } from '../dialects/pg-compare/index.js';
import { type ColumnInfo, displayTable, readColumn, regclassName } from '../dialects/pg-introspect.js';
import { ObjectConflictError } from '../errors.js';
import { EXPANSIONS_TABLE, type ExpansionRecord } from './catalog.js';
import { syncFunctionName } from './sync-trigger.js';

/**
 * A `ballast_expansions` record is only a promise about the catalog: a table dropped and
 * recreated outside Ballast keeps the record but loses the sync trigger, so its new column was
 * never kept equal to the old one and contracting would drop the only good copy. Before contract,
 * the table must still be the expanded one: the sync trigger attached (or, on a rerun, already
 * gone together with the old column), the new column of the recorded type, the old column (if
 * still there) of the recorded type.
 */
export async function requireExpansionInPlace(
  session: Session,
  e: ExpansionRecord,
  inTransaction: boolean,
): Promise<void> {
  const ref = { table: e.table, schema: e.schema };
  const [table] = await session.query<{ exists: boolean; trigger: boolean; ours: boolean }>(
    `select to_regclass($1) is not null as exists,
            exists (select 1 from pg_trigger where tgrelid = to_regclass($1) and tgname = $2) as trigger,
            exists (select 1 from pg_trigger where tgrelid = to_regclass($1) and tgname = $2
                      and tgfoid = to_regprocedure($3)) as ours`,
    [
      regclassName(ref),
      e.syncTrigger,
      `${syncFunctionName({ schema: e.schema, functionName: e.syncFunction })}()`,
    ],
  );
  const oldColumn = table!.exists ? await readColumn(session, ref, e.oldColumn) : undefined;
  const newColumn = table!.exists ? await readColumn(session, ref, e.newColumn) : undefined;
  const newType = await normalizedType(session, e.newType, inTransaction).catch(() => e.newType);
  const problems = [
    ...(table!.exists ? [] : [`table ${displayTable(ref)} does not exist`]),
    ...(table!.exists && !newColumn ? [`${e.newColumn} does not exist`] : []),
    ...(newColumn && newColumn.type !== newType
      ? [`${e.newColumn} is ${newColumn.type}, not ${newType}`]
      : []),
    ...(oldColumn && oldColumn.type !== e.oldType
      ? [`${e.oldColumn} is ${oldColumn.type}, not ${e.oldType}`]
      : []),
    ...(table!.exists && table!.trigger && !table!.ours
      ? [`trigger ${e.syncTrigger} runs another function`]
      : []),
    // Contract drops the old column before the trigger: a missing trigger with the old column still there was not us.
    ...(oldColumn && !table!.trigger ? [`sync trigger ${e.syncTrigger} is missing`] : []),
  ];
  if (problems.length === 0) return;
  const where = `${displayTable(ref)}.${e.oldColumn} → ${e.newColumn}`;
  const column = (name: string, info: ColumnInfo | undefined) => `${name} ${info ? info.type : '(missing)'}`;
  throw new ObjectConflictError(
    `contract ${where}: the table no longer matches expansion ${e.id} in ${EXPANSIONS_TABLE} (${problems.join('; ')}); ` +
      'it was changed outside Ballast (dropped and recreated?), so the new column may not hold the old values. Nothing was changed.',
    `${displayTable(ref)}: ${column(e.oldColumn, oldColumn)}, ${column(e.newColumn, newColumn)}, sync trigger ${table!.trigger ? 'present' : 'missing'}`,
    `${displayTable(ref)}: ${e.oldColumn} ${e.oldType}, ${e.newColumn} ${newType}, sync trigger ${e.syncTrigger}`,
    {
      where,
      hint:
        `compare the two columns' data first. If the table was recreated on purpose, close the stale record ` +
        `(UPDATE ${EXPANSIONS_TABLE} SET status = 'contracted', contracted_at = now() WHERE id = ${e.id}) ` +
        'and expand again if the change is still wanted.',
    },
  );
}
