import { onlineClauses, plannedAlgorithm } from '../../dialects/mysql/capabilities.js';
import type { MysqlServerInfo } from '../../dialects/mysql/server.js';
import type { CatalogProbe } from '../../dialects/postgres/catalog.js';
import { quoteIdent, quoteTable } from '../../dialects/quote.js';
import type { ResolvedTableRef } from '../../dialects/table-ref.js';
import { onlineAlterStep } from '../../ops/mysql/alter.js';
import { defaultName, displayName, relationsOf, sqlStep } from '../../ops/shared.js';
import { freezePlan, type Plan, type SqlStep, type Step, undoWith } from '../../plan.js';
import type { ExpansionKind } from '../catalog.js';
import { columnDefault, type MysqlColumnIndex } from './catalog.js';
import type { MysqlColumnFacts } from './facts.js';
import { createMysqlSyncSteps, dropMysqlSyncSteps, type MysqlSyncSpec, mysqlSyncNames } from './triggers.js';

/** The MySQL expand shared by renameColumn and changeColumnType (the PostgreSQL one: ../plan-expand.ts). */
export interface MysqlExpandInput {
  readonly kind: ExpansionKind;
  readonly table: string;
  readonly column: string;
  readonly newColumn: string;
  /** The new column's type (a rename: the old column's COLUMN_TYPE). */
  readonly newType: string;
  readonly forward?: string | undefined;
  readonly backward?: string | undefined;
  readonly facts: MysqlColumnFacts;
}

const q = (name: string) => quoteIdent('mysql', name);

export const columnProbe = (ref: ResolvedTableRef, column: string, exists: boolean): CatalogProbe => ({
  sql: `select ${exists ? '' : 'not '}exists (select 1 from information_schema.COLUMNS
          where TABLE_SCHEMA = ? and TABLE_NAME = ? and COLUMN_NAME = ?) as done`,
  params: [ref.schema, ref.table, column],
});

const indexProbe = (ref: ResolvedTableRef, name: string, exists: boolean): CatalogProbe => ({
  sql: `select ${exists ? '' : 'not '}exists (select 1 from information_schema.STATISTICS
          where TABLE_SCHEMA = ? and TABLE_NAME = ? and INDEX_NAME = ?) as done`,
  params: [ref.schema, ref.table, name],
});

export const syncSpecOfMysql = (
  ref: ResolvedTableRef,
  e: {
    readonly column: string;
    readonly newColumn: string;
    readonly forward?: string | null | undefined;
    readonly backward?: string | null | undefined;
  },
): MysqlSyncSpec => ({
  ...ref,
  oldColumn: e.column,
  newColumn: e.newColumn,
  forward: e.forward ?? undefined,
  backward: e.backward ?? undefined,
  ...mysqlSyncNames(ref.table, e.column),
});

/** The copy of an index of the old column on `column`, named after table and column as on PostgreSQL. */
export const copiedIndexName = (table: string, column: string, index: MysqlColumnIndex, n: number) =>
  defaultName([table, column, ...(n > 0 ? [String(n)] : [])], index.unique ? 'key' : 'idx');

/** An index of `column` built in place (ALGORITHM=INPLACE, LOCK=NONE): reads and writes continue. */
export function addIndexStep(
  ref: ResolvedTableRef,
  column: string,
  index: MysqlColumnIndex & { readonly as: string },
  server: MysqlServerInfo,
  id: string,
): SqlStep {
  const part = `${q(column)}${index.prefix === null ? '' : `(${index.prefix})`}`;
  return {
    ...onlineAlterStep({
      kind: 'secondary-index',
      caps: server.capabilities,
      id: `${id}:index:${index.as}`,
      description: `build ${index.unique ? 'unique ' : ''}index ${index.as} on ${displayName(ref)}(${column}) in place: reads and writes continue`,
      table: ref,
      clause: `ADD ${index.unique ? 'UNIQUE ' : ''}INDEX ${q(index.as)} (${part})`,
      timeout: 'long',
    }),
    done: indexProbe(ref, index.as, true),
  };
}

/**
 * Expand on MySQL/MariaDB, planned in two parts around the backfill (expand.ts runs it between
 * them, see fill.ts): `attach`, the new column (nullable, no default, INSTANT where the facts
 * table allows) and the sync triggers, whose reverse drops both (the old column was kept in
 * sync, so nothing is lost); `indexes`, the old column's plain indexes built for the new one in
 * place. NOT NULL and the record come last (expand.ts).
 */
export function planExpandMysql(
  input: MysqlExpandInput,
  server: MysqlServerInfo,
): { readonly id: string; readonly attach: Plan; readonly indexes: Plan } {
  const ref = { table: input.table, schema: input.facts.schema };
  const target = `${displayName(ref)}.${input.column} → ${input.newColumn}`;
  const id = `${input.kind}:${displayName(ref)}.${input.column}:${input.newColumn}`;
  const sync = syncSpecOfMysql(ref, input);
  const t = quoteTable('mysql', ref);
  const n = q(input.newColumn);
  const dropAlgorithm = plannedAlgorithm(server.capabilities, 'drop-column', target);
  const dropNewColumn = sqlStep({
    id: `${id}:drop-new-column`,
    description: `drop ${input.newColumn} (${dropAlgorithm}): the old column still holds every value (kept in sync until now)`,
    lock: 'METADATA EXCLUSIVE',
    relations: relationsOf(ref),
    transactional: true,
    timeout: 'ddl',
    sql: `ALTER TABLE ${t} DROP COLUMN ${n}, ${onlineClauses(dropAlgorithm)}`,
    done: columnProbe(ref, input.newColumn, false),
  });
  const addColumn: SqlStep = {
    ...onlineAlterStep({
      kind: 'add-column',
      caps: server.capabilities,
      id: `${id}:add-column`,
      description: `add ${input.newColumn} ${input.newType} to ${displayName(ref)}: nullable, no default, at the end`,
      table: ref,
      clause: `ADD COLUMN ${n} ${input.newType} NULL`,
      timeout: 'ddl',
      // Once a failed run took the triggers away, the new column's values go stale: drop it too.
      undoOnFailure: undoWith(dropNewColumn),
    }),
    done: columnProbe(ref, input.newColumn, true),
  };
  const indexes = input.facts.indexes.map((index, i) =>
    addIndexStep(
      ref,
      input.newColumn,
      { ...index, as: copiedIndexName(ref.table, input.newColumn, index, i) },
      server,
      id,
    ),
  );
  const steps: Step[] = [addColumn, ...createMysqlSyncSteps(sync, id)];
  const attach = freezePlan({
    operation: input.kind,
    target,
    steps,
    reverse: [...dropMysqlSyncSteps(sync, id), dropNewColumn],
    notes: [
      `Both ${input.column} and ${input.newColumn} now exist and stay equal on every write (triggers ${sync.insertTrigger}, ${sync.updateTrigger}). ` +
        `Deploy code that reads ${input.newColumn} and writes it, stop writing ${input.column}, then contract (a later migration).`,
      ...(columnDefault(input.facts.column) !== null
        ? [
            `The default (${columnDefault(input.facts.column)}) moves to ${input.newColumn} at contract; until then the trigger applies it.`,
          ]
        : []),
      ...input.facts.notCopied.map(
        (what) => `Not copied to ${input.newColumn}: ${what} (recreate it for the new column yourself).`,
      ),
    ],
  });
  return {
    id,
    attach,
    indexes: freezePlan({ operation: input.kind, target, steps: indexes, reverse: [], notes: [] }),
  };
}
