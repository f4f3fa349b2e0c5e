import type { z } from 'zod';
import { BACKUP_CATALOG } from '../backup/catalog.js';
import { anyOf, columnHasDefault, columnMissing, columnNullable } from '../dialects/postgres/catalog.js';
import { requireDialect, type ServerInfo } from '../dialects/server.js';
import { columnDropSteps } from '../ops/drop-column.js';
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
 * drop is the drop planner's own (ops/drop-column.ts, `keep: 'copy'`): its backup step copies the
 * old values into ballast_backup first, for `down()`.
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
  const drop = columnDropSteps({
    ...ref,
    column: e.oldColumn,
    keep: 'copy',
    disableTrigger: e.syncTrigger,
    ...(input.backup ? { backup: input.backup } : {}),
  });
  return freezePlan({
    operation: 'contract',
    requires: ownerOf(ref),
    target,
    steps: [
      // The old values first (core/backup copies them on the backfill loop), recorded with the expansion.
      ...drop.steps.filter((step) => step.kind === 'backup'),
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
      // The drop itself is the drop planner's (backup step + drop), with the sync trigger disabled
      // in the same statement: it reads the old column, and a crash can no longer leave the old
      // column without its trigger (contract's check before it runs, expand/verify.ts).
      ...drop.steps.filter((step) => step.kind !== 'backup'),
      dropTrigger!,
      dropFunction!,
      sqlStep({
        id: `${id}:record`,
        description: `mark the expansion contracted in ${EXPANSIONS_TABLE}`,
        lock: 'ROW EXCLUSIVE',
        transactional: true,
        timeout: 'ddl',
        // The backup the :backup step made (or the first run's, after a crash past the drop).
        sql: `UPDATE ${EXPANSIONS_TABLE} SET status = 'contracted', contracted_at = now(), backup_id = (
                SELECT max(id) FROM ${BACKUP_CATALOG} WHERE kind = 'column' AND status = 'ready' AND aside IS NULL
                   AND source_schema = $2 AND source_table = $3 AND source_column = $4) WHERE id = $1`,
        params: [e.id, e.schema, e.table, e.oldColumn],
        done: {
          sql: `SELECT exists (SELECT 1 FROM ${EXPANSIONS_TABLE} WHERE id = $1 AND status = 'contracted') AS done`,
          params: [e.id],
        },
      }),
    ],
    // Undoing a contract needs the backup's values: restoreContract() does it, not plain steps.
    reverse: [],
    notes: [
      `${e.oldColumn} is dropped; its values are kept in a backup (listBackups) until purged.`,
      ...(e.kind === 'change-column-type'
        ? [
            `The column keeps the name ${e.newColumn}; rename it with another expand/contract if you want the old name back.`,
          ]
        : []),
    ],
  });
}
