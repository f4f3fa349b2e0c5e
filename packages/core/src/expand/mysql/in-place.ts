import type { Session } from '../../db.js';
import { displayName } from '../../dialects/table-ref.js';
import { ObjectConflictError } from '../../errors.js';
import { EXPANSIONS_TABLE } from '../catalog.js';
import type { MysqlExpansion } from './catalog.js';

/**
 * A `ballast_expansions` record is followed only while the table still is the one it describes
 * (as ../verify.ts does on PostgreSQL): for contract and undo expand, both sync triggers attached
 * to the table and the new column there; the old column too, unless `oldMayBeGone` (a contract
 * rerun after its drop). For undo contract (`contracted`): the new column there and no sync
 * trigger of the recorded names on another table. A table recreated outside Ballast fails here,
 * before anything is backed up or dropped.
 */
export async function requireMysqlExpansionInPlace(
  s: Session,
  e: MysqlExpansion,
  what: string,
  oldMayBeGone = false,
): Promise<{ readonly oldColumn: boolean; readonly triggers: number }> {
  const [row] = await s.query<{ o: number; n: number; t: number; elsewhere: number }>(
    `select (select count(*) from information_schema.COLUMNS where TABLE_SCHEMA = ? and TABLE_NAME = ? and COLUMN_NAME = ?) as o,
            (select count(*) from information_schema.COLUMNS where TABLE_SCHEMA = ? and TABLE_NAME = ? and COLUMN_NAME = ?) as n,
            (select count(*) from information_schema.TRIGGERS where TRIGGER_SCHEMA = ? and EVENT_OBJECT_TABLE = ?
                and TRIGGER_NAME in (?, ?)) as t,
            (select count(*) from information_schema.TRIGGERS where TRIGGER_SCHEMA = ? and EVENT_OBJECT_TABLE <> ?
                and TRIGGER_NAME in (?, ?)) as elsewhere`,
    [
      e.schema,
      e.table,
      e.oldColumn,
      e.schema,
      e.table,
      e.newColumn,
      e.schema,
      e.table,
      e.syncTrigger,
      e.syncFunction,
      e.schema,
      e.table,
      e.syncTrigger,
      e.syncFunction,
    ],
  );
  const oldColumn = Number(row?.o) > 0;
  const triggers = Number(row?.t);
  const missing: string[] = [];
  if (Number(row?.n) === 0) missing.push(`the new column ${e.newColumn} is missing`);
  if (e.status === 'expanded') {
    if (!oldColumn && !oldMayBeGone) missing.push(`the old column ${e.oldColumn} is missing`);
    if (triggers < 2 && (oldColumn || !oldMayBeGone))
      missing.push(`the sync triggers ${e.syncTrigger}, ${e.syncFunction} are not both attached`);
  } else if (Number(row?.elsewhere) > 0) {
    missing.push(`a trigger named ${e.syncTrigger} or ${e.syncFunction} is attached to another table`);
  }
  if (missing.length === 0) return { oldColumn, triggers };
  const table = displayName(e);
  const close =
    e.status === 'expanded'
      ? `UPDATE ${EXPANSIONS_TABLE} SET status = 'contracted' WHERE id = ${e.id}`
      : `DELETE FROM ${EXPANSIONS_TABLE} WHERE id = ${e.id}`;
  throw new ObjectConflictError(
    `${what} ${table}.${e.oldColumn} → ${e.newColumn}: the table is not the one expansion ${e.id} describes (${missing.join('; ')}). Nothing was changed.`,
    missing.join('; '),
    `expansion ${e.id} of ${table}.${e.oldColumn} → ${e.newColumn} (${e.status})`,
    {
      where: `${table}.${e.oldColumn}`,
      hint: `the table was changed outside Ballast; if that was intended, close the stale record: ${close}`,
    },
  );
}
