import type { z } from 'zod';
import { requireDialect, type ServerInfo } from '../dialects/server.js';
import { backfillStep } from '../ops/backfill.js';
import { notNullSteps } from '../ops/set-not-null.js';
import { displayName, ownerOf, qi, qtable, relationsOf, sqlStep } from '../ops/shared.js';
import { freezePlan, type Plan, type Step } from '../plan.js';
import { undoContractInput } from '../validate/ops.js';
import { parseArgs } from '../validate/parse.js';
import { EXPANSIONS_TABLE } from './catalog.js';
import { copyConstraintSteps } from './copy-constraints.js';
import { syncSpecOf } from './plan-expand.js';
import { createSyncSteps } from './sync-trigger.js';

/** Checked at run time by `undoContractInput` (validate/ops.ts), from which this type comes. */
export type UndoContractInput = z.input<typeof undoContractInput>;

/**
 * The reverse of a contract, once the old column's values are back from the backup (values
 * only): the new column gives its default back (the trigger decides inserts while expanded), the
 * sync trigger returns, rows written since the contract get their old value from the new column
 * (`backward`, evaluated by the UPDATE itself), then the old column's default and NOT NULL; the expansion is open again.
 */
export function planUndoContract(args: UndoContractInput, server: ServerInfo): Plan {
  requireDialect(server, 'postgres', 'planUndoContract');
  const input = parseArgs(undoContractInput, args, 'planUndoContract input');
  const e = input.expansion;
  const ref = { table: e.table, schema: e.schema };
  const target = `${displayName(ref)}.${e.oldColumn} ← ${e.newColumn}`;
  const id = `undo-contract:${displayName(ref)}.${e.oldColumn}:${e.newColumn}`;
  const t = qtable(ref);
  const o = qi(e.oldColumn);
  const n = qi(e.newColumn);
  const back = e.backward ?? n;
  const sync = {
    ...syncSpecOf({
      ...ref,
      column: e.oldColumn,
      newColumn: e.newColumn,
      forward: e.forward ?? undefined,
      backward: e.backward ?? undefined,
      oldType: e.oldType,
      newType: e.newType,
    }),
    functionName: e.syncFunction,
    triggerName: e.syncTrigger,
  };
  const ddl = (suffix: string, description: string, sql: string) =>
    sqlStep({
      id: `${id}:${suffix}`,
      description,
      lock: 'ACCESS EXCLUSIVE',
      relations: relationsOf(ref),
      transactional: true,
      timeout: 'ddl',
      sql,
    });
  // The backup holds values as of the contract: rows inserted or updated since differ.
  const backfill = backfillStep(
    {
      table: e.table,
      schema: e.schema,
      set: { [e.oldColumn]: back },
      where: `${o} IS DISTINCT FROM (${back})`,
    },
    `${id}:backfill`,
    { description: `bring ${e.oldColumn} up to date on rows written since the contract, in small batches` },
  );
  const steps: Step[] = [
    ...(e.oldDefault === null
      ? []
      : [
          ddl(
            'drop-new-default',
            `drop the default of ${e.newColumn} (catalog only)`,
            `ALTER TABLE ${t} ALTER COLUMN ${n} DROP DEFAULT`,
          ),
        ]),
    ...createSyncSteps(sync, id),
    backfill,
    ...(e.oldDefault === null
      ? []
      : [
          ddl(
            'set-old-default',
            `give ${e.oldColumn} its default back (catalog only)`,
            `ALTER TABLE ${t} ALTER COLUMN ${o} SET DEFAULT ${e.oldDefault}`,
          ),
        ]),
    ...copyConstraintSteps(ref, input.newColumnFacts, e.newColumn, e.oldColumn, server, id, e.oldObjects),
    ...(input.notNull ? notNullSteps({ ...ref, column: e.oldColumn }, server, `${id}:not-null`) : []),
    sqlStep({
      id: `${id}:record`,
      description: `mark the expansion open again in ${EXPANSIONS_TABLE}`,
      lock: 'ROW EXCLUSIVE',
      transactional: true,
      timeout: 'ddl',
      sql: `UPDATE ${EXPANSIONS_TABLE} SET status = 'expanded', contracted_at = NULL, backup_id = NULL WHERE id = $1`,
      params: [e.id],
    }),
  ];
  return freezePlan({
    operation: 'undo-contract',
    requires: ownerOf(ref, true),
    target,
    steps,
    reverse: [],
    notes: [],
  });
}
