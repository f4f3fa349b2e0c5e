import { listBackups, restoreBackup } from '../backup/index.js';
import type { BackupOptions } from '../backup/options.js';
import type { Database, Session } from '../db.js';
import { readServerInfo, requireDatabaseDialect } from '../dialects/server.js';
import { BallastError } from '../errors.js';
import {
  type ChangeColumnTypeRequest,
  defaultNewColumn,
  planChangeColumnType,
} from '../ops/change-column-type.js';
import { planRenameColumn } from '../ops/rename-column.js';
import { freezePlan, type Plan } from '../plan.js';
import { type BookkeepingName, requirePrivileges, runBookkeeping } from '../run/bookkeeping.js';
import type { RunOptions, RunReport } from '../run/options.js';
import { runPlan } from '../run/run-plan.js';
import { type ExpansionRecord, ensureExpansionsTable, findExpansion } from './catalog.js';
import { planContract } from './contract.js';
import { readColumnFacts } from './facts.js';
import { contractMysql, undoContractMysql } from './mysql/contract.js';
import { changeColumnTypeMysqlExpand, renameColumnMysqlExpand, undoExpandMysql } from './mysql/expand.js';
import { requireNewColumnFree } from './new-column.js';
import { requireNullPreserving } from './null-preserving.js';
import { requireNoPendingExpansion } from './pending.js';
import { planExpand, syncSpecOf } from './plan-expand.js';
import { requireCleanVerification } from './shadow-verify.js';
import { planUndoContract } from './undo-contract.js';
import { requireExpansionInPlace } from './verify.js';

export {
  EXPANSIONS_TABLE,
  type ExpansionFilter,
  type ExpansionKind,
  type ExpansionRecord,
  pendingContractions,
} from './catalog.js';

import { displayName, type TableRef } from '../dialects/table-ref.js';
import { parseCall } from '../validate/parse.js';
import { callArgs } from '../validate/run.js';

export type { ColumnFacts } from './facts.js';
export { readColumnFacts } from './facts.js';

/**
 * Expand/contract, run end to end: read the catalog facts, plan (ops/), run (run/). The phases
 * and what the application must do between them: docs/expand-contract.md.
 */
export type ExpandOptions = RunOptions;
export type ContractOptions = RunOptions &
  Pick<BackupOptions, 'retentionDays' | 'batchSize'> & {
    /**
     * The migration recorded with the old column's backup (`listBackups` shows it). Default
     * `migration`. Kept apart from `migration`, the journal key, which must change between an
     * apply, its rollback and a re-apply while this name stays the migration's file name.
     */
    readonly backupMigration?: string | undefined;
    /**
     * Contract even though the latest `verifyExpansion` (ballast verify) of this expansion found
     * mismatches. Default false: contract refuses with VerificationMismatchError.
     */
    readonly ignoreVerifyMismatches?: boolean | undefined;
  };

async function planWithFacts(
  db: Database,
  ref: TableRef,
  column: string,
  newColumn: string,
  plan: (
    facts: Awaited<ReturnType<typeof readColumnFacts>>,
    server: Awaited<ReturnType<typeof readServerInfo>>,
  ) => Plan,
  /** Expand: `newColumn` must not be an existing column (other than this expansion's own). */
  options: {
    readonly newColumnFree?: boolean;
    /** More checks on the facts before planning (e.g. conversions that must keep NULL). */
    readonly verify?: (s: Session, facts: Awaited<ReturnType<typeof readColumnFacts>>) => Promise<void>;
  } = {},
): Promise<Plan> {
  const where = `expand ${displayName(ref)}.${column} → ${newColumn}`;
  return db.withSession(async (s) => {
    const facts = await readColumnFacts(s, ref, column, newColumn, where);
    if (options.newColumnFree) {
      await requireNoPendingExpansion(s, { ...ref, schema: facts.schema }, { column, newColumn }, where);
      const { triggerName } = syncSpecOf({ table: ref.table, schema: facts.schema, column, newColumn });
      await requireNewColumnFree(
        s,
        { ...ref, schema: facts.schema },
        { column, newColumn, triggerName },
        where,
      );
    }
    await options.verify?.(s, facts);
    return plan(facts, await readServerInfo(s));
  });
}

export interface RenameColumnRequest extends TableRef {
  readonly from: string;
  readonly to: string;
}

/** Expand phase of a rename: `to` appears, in sync with `from` both ways, filled, indexed. */
export async function renameColumn(
  db: Database,
  input: RenameColumnRequest,
  options: ExpandOptions = {},
): Promise<RunReport> {
  parseCall('renameColumn', callArgs.renameColumn, [db, input, options]);
  if (db.dialect === 'mysql') return renameColumnMysqlExpand(db, input, options);
  requireDatabaseDialect(db, 'postgres', 'renameColumn');
  await requireExpandBookkeeping(db, options, `rename ${displayName(input)}.${input.from}`);
  await ensureExpansionsTable(db);
  const plan = await planWithFacts(
    db,
    input,
    input.from,
    input.to,
    (facts, server) => planRenameColumn({ ...input, facts, migration: options.migration }, server),
    { newColumnFree: true },
  );
  return runPlan(db, plan, options);
}

export type { ChangeColumnTypeRequest };

/** Expand phase of a type change: `<column>_new` of the new type, in sync both ways, filled, indexed. */
export async function changeColumnType(
  db: Database,
  input: ChangeColumnTypeRequest,
  options: ExpandOptions = {},
): Promise<RunReport> {
  parseCall('changeColumnType', callArgs.changeColumnType, [db, input, options]);
  if (db.dialect === 'mysql') return changeColumnTypeMysqlExpand(db, input, options);
  requireDatabaseDialect(db, 'postgres', 'changeColumnType');
  await requireExpandBookkeeping(db, options, `change type of ${displayName(input)}.${input.column}`);
  await ensureExpansionsTable(db);
  const newColumn = input.newColumn ?? defaultNewColumn(input.column);
  const plan = await planWithFacts(
    db,
    input,
    input.column,
    newColumn,
    (facts, server) => planChangeColumnType({ ...input, facts, migration: options.migration }, server),
    {
      newColumnFree: true,
      // The defaults are casts, which keep NULL; the user's conversions are checked.
      verify: (s, facts) =>
        requireNullPreserving(
          s,
          db.inTransaction === true,
          [
            ...(input.using
              ? [{ option: 'using', expression: input.using, column: input.column, type: facts.type }]
              : []),
            ...(input.reverseUsing
              ? [
                  {
                    option: 'reverseUsing',
                    expression: input.reverseUsing,
                    column: newColumn,
                    type: input.newType,
                  },
                ]
              : []),
          ],
          `change type of ${displayName(input)}.${input.column}`,
        ),
    },
  );
  return runPlan(db, plan, options);
}

/** Before any change: the expansion records, the runner's tables and, for a contract, the backups. */
function requireExpandBookkeeping(db: Database, options: RunOptions, where: string, backups = false) {
  const names: BookkeepingName[] = ['expansions', ...runBookkeeping(db, options, true)];
  return requirePrivileges(
    db,
    { bookkeeping: backups ? [...names, 'backups', 'backupSchema'] : names },
    where,
  );
}

/**
 * Undoes an expand (the `down()` of the expanding migration): drops the trigger and the new
 * column. The old column was kept in sync all along, so nothing is lost.
 */
export async function undoExpand(
  db: Database,
  ref: TableRef & { readonly column: string },
  options: ExpandOptions = {},
) {
  parseCall('undoExpand', callArgs.undoExpand, [db, ref, options]);
  if (db.dialect === 'mysql') return undoExpandMysql(db, ref, options);
  requireDatabaseDialect(db, 'postgres', 'undoExpand');
  await requireExpandBookkeeping(db, options, `undo expand of ${displayName(ref)}.${ref.column}`);
  const e = await findExpansion(db, ref, ref.column, 'expanded');
  await db.withSession((s) => requireExpansionInPlace(s, e, db.inTransaction === true, 'undo expand'));
  const plan = await planWithFacts(
    db,
    { table: e.table, schema: e.schema },
    e.oldColumn,
    e.newColumn,
    (facts, server) => planExpand({ ...expandInputOf(e), facts }, server),
  );
  return runPlan(db, reversed(plan), options);
}

const expandInputOf = (e: ExpansionRecord) => ({
  kind: e.kind,
  table: e.table,
  schema: e.schema,
  column: e.oldColumn,
  newColumn: e.newColumn,
  newType: e.newType,
  syncNames: { functionName: e.syncFunction, triggerName: e.syncTrigger },
});

const reversed = (plan: Plan): Plan =>
  freezePlan({
    operation: `${plan.operation} (reverse)`,
    ...(plan.requires ? { requires: plan.requires } : {}),
    target: plan.target,
    steps: plan.reverse,
    reverse: [],
    notes: [],
  });

export interface ContractResult {
  readonly report: RunReport;
  readonly expansion: ExpansionRecord;
  readonly backupId: number;
}

/**
 * Contract phase (a later migration, once no running code uses the old column): the old column's
 * values go to a backup, then the trigger and the old column are dropped. `column` may be the
 * old or the new name.
 */
export async function contract(
  db: Database,
  ref: TableRef & { readonly column: string },
  options: ContractOptions = {},
): Promise<ContractResult> {
  parseCall('contract', callArgs.contract, [db, ref, options]);
  if (db.dialect === 'mysql') return contractMysql(db, ref, options);
  requireDatabaseDialect(db, 'postgres', 'contract');
  await requireExpandBookkeeping(db, options, `contract ${displayName(ref)}.${ref.column}`, true);
  const expansion = await findExpansion(db, ref, ref.column, 'expanded');
  await db.withSession(async (s) => {
    await requireExpansionInPlace(s, expansion, db.inTransaction === true);
    if (!options.ignoreVerifyMismatches) await requireCleanVerification(s, expansion);
  });
  const server = await db.withSession(readServerInfo);
  const { migration, retentionDays } = backupPart(options);
  const backup = {
    ...(migration ? { migration } : {}),
    ...(retentionDays !== undefined ? { retentionDays } : {}),
  };
  const run = runPart(options);
  // The backup step's copy runs on the backfill loop: batchSize is its first batch.
  const backfill =
    options.batchSize !== undefined ? { ...run.backfill, initialBatchSize: options.batchSize } : run.backfill;
  const report = await runPlan(db, planContract({ expansion, backup }, server), {
    ...run,
    ...(backfill ? { backfill } : {}),
  });
  return { report, expansion, backupId: await existingBackup(db, expansion) };
}

/** The backup the contract's backup step made (on a rerun after a crash: the first run's). */
async function existingBackup(db: Database, e: ExpansionRecord): Promise<number> {
  const found = await listBackups(db, { table: e.table, column: e.oldColumn });
  const last = found.filter((b) => b.setAside === null && b.sourceSchema === e.schema).pop();
  if (!last) {
    throw new BallastError(
      `contract ${e.table}.${e.oldColumn}: the column is gone and no backup of it exists`,
      {
        where: `${e.table}.${e.oldColumn}`,
        hint: 'it was dropped outside Ballast; mark the expansion contracted by hand if that was intended',
      },
    );
  }
  return last.id;
}

/**
 * Undoes a contract (the `down()` of the contracting migration): the old column's values come
 * back from its backup, then planUndoContract re-attaches the trigger, fills rows written since,
 * and restores default and NOT NULL. Old and new column are both live again, as after expand.
 */
export async function undoContract(
  db: Database,
  ref: TableRef & { readonly column: string },
  options: ContractOptions = {},
): Promise<RunReport> {
  parseCall('undoContract', callArgs.undoContract, [db, ref, options]);
  if (db.dialect === 'mysql') return undoContractMysql(db, ref, options);
  requireDatabaseDialect(db, 'postgres', 'undoContract');
  await requireExpandBookkeeping(db, options, `undo contract of ${displayName(ref)}.${ref.column}`, true);
  const e = await findExpansion(db, ref, ref.column, 'contracted');
  if (e.backupId === null) {
    throw new BallastError(`undo contract of ${e.table}.${e.oldColumn}: no backup was recorded`, {
      where: `${e.table}.${e.oldColumn}`,
      hint: 'restore the column by hand; listBackups(db, { includeHistory: true }) shows what exists',
    });
  }
  const table = { table: e.table, schema: e.schema };
  await db.withSession(async (s) => {
    await requireExpansionInPlace(s, e, db.inTransaction === true, 'undo contract');
    // Reopening it beside a later expansion of either column would make two triggers fight.
    const where = `undo contract ${displayName(table)}.${e.oldColumn} → ${e.newColumn}`;
    await requireNoPendingExpansion(s, table, { column: e.oldColumn, newColumn: e.newColumn }, where);
  });
  const backup = await restoreBackup(db, e.backupId, { ...backupPart(options), valuesOnly: true });
  const plan = await planWithFacts(db, table, e.newColumn, e.oldColumn, (newColumnFacts, server) =>
    planUndoContract({ expansion: e, notNull: backup.columnNotNull === true, newColumnFacts }, server),
  );
  return runPlan(db, plan, runPart(options));
}

// ContractOptions mixes runner and backup options; each function gets only its own.
const runPart = ({
  retentionDays: _r,
  batchSize: _b,
  backupMigration: _m,
  ignoreVerifyMismatches: _i,
  ...run
}: ContractOptions): RunOptions => run;
const backupPart = (o: ContractOptions): BackupOptions => ({
  lockTimeoutMs: o.lockTimeoutMs,
  retry: o.retry,
  migration: o.backupMigration ?? o.migration,
  retentionDays: o.retentionDays,
  batchSize: o.batchSize,
  progress: o.progress,
});
