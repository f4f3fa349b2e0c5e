import { columnExists, columnMissing } from '../dialects/postgres/catalog.js';
import { requireDialect, type ServerInfo } from '../dialects/server.js';
import type { TableRef } from '../dialects/table-ref.js';
import { backfillStep } from '../ops/backfill.js';
import { notNullSteps } from '../ops/set-not-null.js';
import { defaultName, displayName, ownerOf, qi, qtable, relationsOf, sqlStep } from '../ops/shared.js';
import { freezePlan, type Plan, type Step, undoWith } from '../plan.js';
import { EXPANSIONS_TABLE, type ExpansionKind } from './catalog.js';
import { copyConstraintSteps } from './copy-constraints.js';
import type { ColumnFacts } from './facts.js';
import { createSyncSteps, dropSyncSteps, type SyncSpec } from './sync-trigger.js';

/** The expand phase shared by rename-column and change-column-type; they differ only in names and conversions. */
export interface ExpandInput extends TableRef {
  readonly kind: ExpansionKind;
  readonly column: string;
  readonly newColumn: string;
  readonly newType: string;
  /** SQL over the old column's name (undefined: same value). */
  readonly forward?: string | undefined;
  /** SQL over the new column's name (undefined: same value). */
  readonly backward?: string | undefined;
  /** Read with readColumnFacts() just before planning. */
  readonly facts: ColumnFacts;
  readonly migration?: string | undefined;
  /** A recorded expansion's own names (undoExpand): records of older versions may differ. */
  readonly syncNames?: Pick<SyncSpec, 'functionName' | 'triggerName'> | undefined;
}

export const syncSpecOf = (
  input: Pick<ExpandInput, 'table' | 'column' | 'newColumn' | 'forward' | 'backward'> & {
    readonly schema: string;
    readonly oldType?: string | undefined;
    readonly newType?: string | undefined;
  },
): SyncSpec => ({
  schema: input.schema,
  table: input.table,
  oldColumn: input.column,
  newColumn: input.newColumn,
  forward: input.forward,
  backward: input.backward,
  oldType: input.oldType,
  newType: input.newType,
  functionName: defaultName(['ballast_sync', input.table, input.column], 'fn'),
  triggerName: defaultName(['ballast_sync', input.column, input.newColumn], 'trg'),
});

export function planExpand(input: ExpandInput, server: ServerInfo): Plan {
  requireDialect(server, 'postgres', 'planExpand');
  const ref = { table: input.table, schema: input.facts.schema };
  const target = `${displayName(ref)}.${input.column} → ${input.newColumn}`;
  const id = `${input.kind}:${displayName(ref)}.${input.column}:${input.newColumn}`;
  const sync = {
    ...syncSpecOf({ ...input, schema: input.facts.schema, oldType: input.facts.type }),
    ...input.syncNames,
  };
  const t = qtable(ref);
  const o = qi(input.column);
  const n = qi(input.newColumn);

  const dropNewColumn = sqlStep({
    id: `${id}:drop-new-column`,
    description: `drop ${input.newColumn}: the old column still holds every value (kept in sync until now)`,
    lock: 'ACCESS EXCLUSIVE',
    relations: relationsOf(ref),
    transactional: true,
    timeout: 'ddl',
    sql: `ALTER TABLE ${t} DROP COLUMN IF EXISTS ${n}`,
    done: columnMissing(ref, input.newColumn),
  });
  const addColumn = sqlStep({
    id: `${id}:add-column`,
    description: `add ${input.newColumn} ${input.newType} to ${displayName(ref)}: nullable, no default, catalog only`,
    lock: 'ACCESS EXCLUSIVE',
    relations: relationsOf(ref),
    transactional: true,
    timeout: 'ddl',
    sql: `ALTER TABLE ${t} ADD COLUMN ${n} ${input.newType}`,
    done: columnExists(ref, input.newColumn),
    // NOT NULL, when the old column has it, comes from later steps (an interrupted run lacks it).
    expects: {
      kind: 'column',
      ...ref,
      column: input.newColumn,
      type: input.newType,
      default: null,
      notNull: input.facts.notNull,
      later: { notNull: true },
    },
    // Once a failed run took the trigger away, the new column's values go stale: drop it too.
    undoOnFailure: undoWith(dropNewColumn),
  });
  // Touching the row is enough: the trigger fills the new column from the old one.
  const backfill = backfillStep(
    {
      table: input.table,
      schema: input.facts.schema,
      set: { [input.column]: o },
      where: `${n} IS NULL AND ${o} IS NOT NULL`,
    },
    `${id}:backfill`,
    {
      description: `copy ${input.column} into ${input.newColumn} on existing rows in small batches (the sync trigger converts)`,
    },
  );
  const copied = copyConstraintSteps(ref, input.facts, input.column, input.newColumn, server, id);
  const notNull = input.facts.notNull
    ? notNullSteps({ ...ref, column: input.newColumn }, server, `${id}:not-null`)
    : [];
  const record = sqlStep({
    id: `${id}:record`,
    description: `record the expansion in ${EXPANSIONS_TABLE} (awaiting contract)`,
    lock: 'ROW EXCLUSIVE',
    transactional: true,
    timeout: 'ddl',
    sql: `INSERT INTO ${EXPANSIONS_TABLE} (kind, table_schema, table_name, old_column, new_column, old_type, new_type,
            old_default, forward_sql, backward_sql, sync_function, sync_trigger, migration, old_objects)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb)`,
    params: [
      input.kind,
      input.facts.schema,
      input.table,
      input.column,
      input.newColumn,
      input.facts.type,
      input.newType,
      input.facts.default,
      input.forward ?? null,
      input.backward ?? null,
      sync.functionName,
      sync.triggerName,
      input.migration ?? null,
      JSON.stringify({ indexes: input.facts.indexes, foreignKeys: input.facts.foreignKeys }),
    ],
    done: {
      sql: `SELECT exists (SELECT 1 FROM ${EXPANSIONS_TABLE} WHERE table_schema = $1 AND table_name = $2
              AND old_column = $3 AND status = 'expanded') AS done`,
      params: [input.facts.schema, input.table, input.column],
    },
  });
  const steps: Step[] = [addColumn, ...createSyncSteps(sync, id), backfill, ...copied, ...notNull, record];
  const reverse: Step[] = [
    sqlStep({
      id: `${id}:unrecord`,
      description: `forget the expansion in ${EXPANSIONS_TABLE}`,
      lock: 'ROW EXCLUSIVE',
      transactional: true,
      timeout: 'ddl',
      sql: `DELETE FROM ${EXPANSIONS_TABLE} WHERE table_schema = $1 AND table_name = $2 AND old_column = $3 AND status = 'expanded'`,
      params: [input.facts.schema, input.table, input.column],
    }),
    ...dropSyncSteps(sync, id),
    dropNewColumn,
  ];
  return freezePlan({
    operation: input.kind,
    requires: ownerOf(ref, true),
    target,
    steps,
    reverse,
    notes: [
      `Both ${input.column} and ${input.newColumn} now exist and stay equal on every write (trigger ${sync.triggerName}). ` +
        `Deploy code that reads ${input.newColumn} and writes it, stop writing ${input.column}, then contract (a later migration).`,
      ...(input.facts.default !== null
        ? [
            `The default (${input.facts.default}) moves to ${input.newColumn} at contract; until then the trigger applies it.`,
          ]
        : []),
      ...input.facts.notCopied.map(
        (what) => `Not copied to ${input.newColumn}: ${what} (recreate it for the new column yourself).`,
      ),
    ],
  });
}
