import type { z } from 'zod';
import { anyOf, columnHasDefault, columnMissing, columnNullable } from '../dialects/postgres/catalog.js';
import { requireDialect, type ServerInfo } from '../dialects/server.js';
import { displayName, ownerOf, qi, qtable, relationsOf, sqlStep } from '../ops/shared.js';
import { freezePlan, type Plan } from '../plan.js';
import { contractInput } from '../validate/ops.js';
import { parseArgs } from '../validate/parse.js';
import { EXPANSIONS_TABLE } from './catalog.js';
import { syncSpecOf } from './plan-expand.js';
import { dropSyncSteps } from './sync-trigger.js';

/** Checked at run time by `contractInput` (validate/ops.ts), from which this type comes. */
export type ContractInput = z.input<typeof contractInput>;

/**
 * Contract phase: the application no longer uses the old column. Its NOT NULL is relaxed, its
 * default moves to the new column, the old column is dropped (catalog only) with the sync trigger
 * disabled in the same statement, then the trigger and its function go; the expansion is marked contracted. The
 * old values are in a backup (taken by the caller) for `down()`.
 */
export function planContract(args: ContractInput, server: ServerInfo): Plan {
  requireDialect(server, 'postgres', 'planContract');
  const input = parseArgs(contractInput, args, 'planContract input');
  const e = input.expansion;
  const ref = { table: e.table, schema: e.schema };
  const target = `${displayName(ref)}.${e.oldColumn} → ${e.newColumn}`;
  const id = `contract:${displayName(ref)}.${e.oldColumn}:${e.newColumn}`;
  const sync = syncSpecOf({ table: e.table, schema: e.schema, column: e.oldColumn, newColumn: e.newColumn });
  const [dropTrigger, dropFunction] = dropSyncSteps(
    { ...sync, functionName: e.syncFunction, triggerName: e.syncTrigger },
    id,
  );
  return freezePlan({
    operation: 'contract',
    requires: ownerOf(ref),
    target,
    steps: [
      // Without the trigger, inserts from the new version no longer fill the old column.
      sqlStep({
        id: `${id}:relax-old-not-null`,
        description: `drop NOT NULL on ${e.oldColumn} so inserts that omit it keep working once the trigger is gone`,
        lock: 'ACCESS EXCLUSIVE',
        relations: relationsOf(ref),
        transactional: true,
        timeout: 'ddl',
        sql: `ALTER TABLE ${qtable(ref)} ALTER COLUMN ${qi(e.oldColumn)} DROP NOT NULL`,
        done: anyOf(columnNullable(ref, e.oldColumn), columnMissing(ref, e.oldColumn)),
      }),
      // The default moves while the trigger still fills the new column: once the trigger is gone,
      // an insert that relies on the default must find it on the new column (NOT NULL there).
      // Only the new application version runs now, so a non-null new value winning is right.
      ...(e.oldDefault === null
        ? []
        : [
            sqlStep({
              id: `${id}:move-default`,
              description: `set ${e.newColumn}'s default to ${e.oldColumn}'s (catalog only)`,
              lock: 'ACCESS EXCLUSIVE',
              relations: relationsOf(ref),
              transactional: true,
              timeout: 'ddl',
              sql: `ALTER TABLE ${qtable(ref)} ALTER COLUMN ${qi(e.newColumn)} SET DEFAULT ${e.oldDefault}`,
              done: columnHasDefault(ref, e.newColumn),
            }),
          ]),
      // Disabling the trigger in the same statement: it reads the old column, and a crash can no
      // longer leave the old column without its trigger (contract's check before it runs, expand/verify.ts).
      sqlStep({
        id: `${id}:drop-old-column`,
        description: `drop ${e.oldColumn} (catalog only), the sync trigger disabled in the same statement`,
        lock: 'ACCESS EXCLUSIVE',
        relations: relationsOf(ref),
        transactional: true,
        timeout: 'ddl',
        sql: `ALTER TABLE ${qtable(ref)} DISABLE TRIGGER ${qi(e.syncTrigger)}, DROP COLUMN IF EXISTS ${qi(e.oldColumn)}`,
        done: columnMissing(ref, e.oldColumn),
      }),
      dropTrigger!,
      dropFunction!,
      sqlStep({
        id: `${id}:record`,
        description: `mark the expansion contracted in ${EXPANSIONS_TABLE}`,
        lock: 'ROW EXCLUSIVE',
        transactional: true,
        timeout: 'ddl',
        sql: `UPDATE ${EXPANSIONS_TABLE} SET status = 'contracted', contracted_at = now(), backup_id = $2 WHERE id = $1`,
        params: [e.id, input.backupId ?? null],
        done: {
          sql: `SELECT exists (SELECT 1 FROM ${EXPANSIONS_TABLE} WHERE id = $1 AND status = 'contracted') AS done`,
          params: [e.id],
        },
      }),
    ],
    // Undoing a contract needs the backup's values: restoreContract() does it, not plain steps.
    reverse: [],
    notes: [
      `${e.oldColumn} is dropped; its values are kept in backup ${input.backupId ?? '(none)'} until purged.`,
      ...(e.kind === 'change-column-type'
        ? [
            `The column keeps the name ${e.newColumn}; rename it with another expand/contract if you want the old name back.`,
          ]
        : []),
    ],
  });
}
