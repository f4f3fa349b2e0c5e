import type { CatalogProbe } from '../../dialects/postgres/catalog.js';
import { quoteIdent, quoteQualified } from '../../dialects/quote.js';
import type { ResolvedTableRef } from '../../dialects/table-ref.js';
import { defaultName, relationsOf, sqlStep } from '../../ops/shared.js';
import { type SqlStep, undoWith } from '../../plan.js';

/**
 * The two BEFORE triggers that keep the old and the new column equal on MySQL/MariaDB, with the
 * rules of the PostgreSQL trigger (expand/sync-trigger.ts):
 * - INSERT: the new column written (non-null: it has no default while expanded) → old :=
 *   backward(new); otherwise new := forward(old);
 * - UPDATE: the column that changed wins (the new one if both did); a row not yet backfilled (one
 *   side null) is filled — the backfill only touches rows.
 * They only `SET NEW.x`, never write a table, so they cannot fire again. A change is compared as
 * bytes: under a case- or pad-insensitive collation `'a' <=> 'A '` holds, and such an update of
 * one column must still reach the other.
 */
export interface MysqlSyncSpec extends ResolvedTableRef {
  readonly oldColumn: string;
  readonly newColumn: string;
  /** SQL over the old column's name giving the new value; undefined: assigned as is (the server converts). */
  readonly forward?: string | undefined;
  readonly backward?: string | undefined;
  readonly insertTrigger: string;
  readonly updateTrigger: string;
}

/** Trigger names are per database on MySQL: the table is part of them (at most 63 bytes). */
export const mysqlSyncNames = (table: string, oldColumn: string) => ({
  insertTrigger: defaultName(['ballast_sync', table, oldColumn], 'ins'),
  updateTrigger: defaultName(['ballast_sync', table, oldColumn], 'upd'),
});

const q = (name: string) => quoteIdent('mysql', name);

/** `expr` with `column` bound to NEW.column through a one-row derived table: no text substitution in user SQL. */
const convert = (expr: string | undefined, column: string) =>
  expr === undefined
    ? `NEW.${q(column)}`
    : `(SELECT (${expr}) FROM (SELECT NEW.${q(column)} AS ${q(column)}) AS ballast_row)`;

const changed = (column: string) =>
  `NOT (CAST(NEW.${q(column)} AS BINARY) <=> CAST(OLD.${q(column)} AS BINARY))`;

export function mysqlSyncTriggerSql(spec: MysqlSyncSpec): { insert: string; update: string } {
  const t = quoteQualified('mysql', { schema: spec.schema, name: spec.table });
  const o = `NEW.${q(spec.oldColumn)}`;
  const n = `NEW.${q(spec.newColumn)}`;
  const forward = `SET ${n} = ${convert(spec.forward, spec.oldColumn)};`;
  const backward = `SET ${o} = ${convert(spec.backward, spec.newColumn)};`;
  const name = (trigger: string) => quoteQualified('mysql', { schema: spec.schema, name: trigger });
  return {
    insert: `CREATE TRIGGER ${name(spec.insertTrigger)} BEFORE INSERT ON ${t} FOR EACH ROW BEGIN
  IF ${n} IS NOT NULL THEN ${backward} ELSE ${forward} END IF;
END`,
    update: `CREATE TRIGGER ${name(spec.updateTrigger)} BEFORE UPDATE ON ${t} FOR EACH ROW BEGIN
  IF ${changed(spec.newColumn)} THEN ${backward}
  ELSEIF ${changed(spec.oldColumn)} THEN ${forward}
  ELSEIF ${n} IS NULL AND ${o} IS NOT NULL THEN ${forward}
  ELSEIF ${o} IS NULL AND ${n} IS NOT NULL THEN ${backward}
  END IF;
END`,
  };
}

const triggerProbe = (spec: MysqlSyncSpec, name: string, exists: boolean): CatalogProbe => ({
  sql: `select ${exists ? '' : 'not '}exists (select 1 from information_schema.TRIGGERS
          where TRIGGER_SCHEMA = ? and TRIGGER_NAME = ? and EVENT_OBJECT_TABLE = ?) as done`,
  params: [spec.schema, name, spec.table],
});

/** Update trigger first: until the insert one exists, new rows only lack the new value, which the backfill gives them. */
export function createMysqlSyncSteps(spec: MysqlSyncSpec, id: string): SqlStep[] {
  const sql = mysqlSyncTriggerSql(spec);
  const drops = dropMysqlSyncSteps(spec, id);
  const create = (event: 'update' | 'insert', name: string, drop: SqlStep) =>
    sqlStep({
      id: `${id}:sync-trigger-${event}`,
      description: `attach the BEFORE ${event.toUpperCase()} trigger ${name} to ${spec.table}: brief metadata lock, from now on every ${event} keeps ${spec.oldColumn} ⇄ ${spec.newColumn} equal`,
      lock: 'METADATA EXCLUSIVE',
      relations: relationsOf(spec),
      transactional: true,
      timeout: 'ddl',
      sql: sql[event],
      done: triggerProbe(spec, name, true),
      // A failed expand must not leave triggers converting (and possibly refusing) every write.
      undoOnFailure: undoWith(drop),
    });
  return [create('update', spec.updateTrigger, drops[1]!), create('insert', spec.insertTrigger, drops[0]!)];
}

export function dropMysqlSyncSteps(spec: MysqlSyncSpec, id: string): SqlStep[] {
  return (['insert', 'update'] as const).map((event) => {
    const name = event === 'insert' ? spec.insertTrigger : spec.updateTrigger;
    return sqlStep({
      id: `${id}:drop-sync-trigger-${event}`,
      description: `detach the sync trigger ${name} from ${spec.table} (brief metadata lock)`,
      lock: 'METADATA EXCLUSIVE',
      relations: relationsOf(spec),
      transactional: true,
      timeout: 'ddl',
      sql: `DROP TRIGGER IF EXISTS ${quoteQualified('mysql', { schema: spec.schema, name })}`,
      done: triggerProbe(spec, name, false),
    });
  });
}
