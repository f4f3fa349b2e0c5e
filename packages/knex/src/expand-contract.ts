import {
  type BackupRecord,
  type ChangeColumnTypeRequest,
  type ContractResult,
  changeColumnType,
  contract,
  type Database,
  dropColumnWithBackup,
  dropTableWithBackup,
  type RunOptions,
  type RunReport,
  renameColumn,
  restoreBackup,
  undoContract,
  undoExpand,
  WrongContextError,
} from '@ballast/core';
import { type CallSite, userCallSites } from './call-site.js';
import { describeCall, explainWrongContext } from './messages.js';

/**
 * The Knex helpers for expand/contract and for drops with a backup. Core does the work
 * (core/expand, core/backup); this file only maps arguments and the migration context.
 */
export interface ChangeColumnTypeOptions {
  /** SQL over the column converting old values, e.g. `amount::bigint`. Default `<column>::<newType>`. */
  readonly using?: string;
  /** SQL over the new column converting back (writes of the new version reach the old column). Default a cast to the old type. */
  readonly reverseUsing?: string;
  /** The new column's name while both exist. Default `<column>_new`. */
  readonly newColumn?: string;
}

export interface DropOptions {
  /** Required: the application no longer reads or writes it. */
  readonly confirmUnused: true;
  /** Days the backup is kept before `purgeBackups` may remove it. Default 7. */
  readonly retentionDays?: number;
}

type TableArg = string | { readonly table: string; readonly schema?: string };

export interface ExpandContractHelpers {
  /** Expand: `to` appears beside `from`, both kept equal by a trigger, filled, indexed. */
  renameColumn(table: TableArg, from: string, to: string): Promise<RunReport>;
  /** Expand: `<column>_new` of `newType` beside the column, both kept equal by a trigger. */
  changeColumnType(
    table: TableArg,
    column: string,
    newType: string,
    options?: ChangeColumnTypeOptions,
  ): Promise<RunReport>;
  /** Contract (a later migration): backs up and drops the old column and the trigger. `column`: old or new name. */
  contract(table: TableArg, column: string): Promise<ContractResult>;
  /** Copies the values (keyed by primary key) to `ballast_backup`, then drops the column. */
  dropColumn(table: TableArg, column: string, options: DropOptions): Promise<BackupRecord>;
  /** Moves the table into `ballast_backup` (instant): that is the drop. */
  dropTable(table: TableArg, options: DropOptions): Promise<BackupRecord>;
}

/**
 * The `down()` side, same arguments as in `up()`: renameColumn / changeColumnType drop the new
 * column and the trigger (the old column has every value); contract brings the old column back
 * from its backup, up to date, trigger re-attached; dropColumn / dropTable restore from this
 * migration's backup (values, default and NOT NULL; the table moved back).
 */
export type ExpandContractReverse = Omit<ExpandContractHelpers, 'contract'> & {
  contract(table: TableArg, column: string): Promise<RunReport>;
};

/** What `ballast(knex)` hands over: its Database and the per-call migration context. */
export interface HelperHooks {
  readonly db: Database;
  ref(table: TableArg): { readonly table: string; readonly schema?: string };
  /** Run options for this call, and the migration file name the backups are recorded under. */
  begin(
    call: string,
    sites: readonly CallSite[],
  ): Promise<{ readonly run: RunOptions; readonly name?: string | undefined }>;
}

export function expandContractHelpers(
  hooks: HelperHooks,
): ExpandContractHelpers & { reverse: ExpandContractReverse } {
  const { db, ref } = hooks;
  // The call site is read before the first await, while the migration's frame is on the stack.
  const call =
    <A extends unknown[], R>(
      name: string,
      body: (ctx: { run: RunOptions; name?: string | undefined }, ...args: A) => Promise<R>,
    ) =>
    (...args: A): Promise<R> => {
      const sites = userCallSites();
      const shown = describeCall(name, args);
      return hooks
        .begin(shown, sites)
        .then((ctx) => body(ctx, ...args))
        .catch((error: unknown) => {
          throw error instanceof WrongContextError ? explainWrongContext(error, shown, sites[0]) : error;
        });
    };
  const typeRequest = (
    table: TableArg,
    column: string,
    newType: string,
    o: ChangeColumnTypeOptions = {},
  ): ChangeColumnTypeRequest => ({
    ...ref(table),
    column,
    newType,
    ...(o.using ? { using: o.using } : {}),
    ...(o.reverseUsing ? { reverseUsing: o.reverseUsing } : {}),
    ...(o.newColumn ? { newColumn: o.newColumn } : {}),
  });
  const backupOptions = (
    ctx: { run: RunOptions; name?: string | undefined },
    o: DropOptions | undefined,
  ) => ({
    ...(ctx.name ? { migration: ctx.name } : {}),
    ...(o?.retentionDays !== undefined ? { retentionDays: o.retentionDays } : {}),
    lockTimeoutMs: ctx.run.lockTimeoutMs,
    retry: ctx.run.retry,
    progress: ctx.run.progress,
    run: ctx.run,
  });
  return {
    renameColumn: call('renameColumn', (c, table: TableArg, from: string, to: string) =>
      renameColumn(db, { ...ref(table), from, to }, c.run),
    ),
    changeColumnType: call(
      'changeColumnType',
      (c, table: TableArg, column: string, newType: string, o?: ChangeColumnTypeOptions) =>
        changeColumnType(db, typeRequest(table, column, newType, o), c.run),
    ),
    contract: call('contract', (c, table: TableArg, column: string) =>
      // The journal key is c.run.migration (`<file>@<id>`), as for every helper; the backup is
      // recorded under the file name.
      contract(db, { ...ref(table), column }, { ...c.run, ...(c.name ? { backupMigration: c.name } : {}) }),
    ),
    // Core refuses the drop unless confirmUnused is true.
    dropColumn: call('dropColumn', (c, table: TableArg, column: string, o: DropOptions) =>
      dropColumnWithBackup(
        db,
        { ...ref(table), column, confirmUnused: o?.confirmUnused },
        backupOptions(c, o),
      ),
    ),
    dropTable: call('dropTable', (c, table: TableArg, o: DropOptions) =>
      dropTableWithBackup(db, { ...ref(table), confirmUnused: o?.confirmUnused }, backupOptions(c, o)),
    ),
    reverse: {
      renameColumn: call('reverse.renameColumn', (c, table: TableArg, from: string) =>
        undoExpand(db, { ...ref(table), column: from }, c.run),
      ),
      changeColumnType: call('reverse.changeColumnType', (c, table: TableArg, column: string) =>
        undoExpand(db, { ...ref(table), column }, c.run),
      ),
      contract: call('reverse.contract', (c, table: TableArg, column: string) =>
        undoContract(db, { ...ref(table), column }, c.run),
      ),
      dropColumn: call('reverse.dropColumn', (c, table: TableArg, column: string, o: DropOptions) =>
        restoreBackup(
          db,
          { table: ref(table).table, column, ...(c.name ? { migration: c.name } : {}) },
          backupOptions(c, o),
        ),
      ),
      dropTable: call('reverse.dropTable', (c, table: TableArg, o: DropOptions) =>
        restoreBackup(
          db,
          { table: ref(table).table, ...(c.name ? { migration: c.name } : {}) },
          backupOptions(c, o),
        ),
      ),
    },
  };
}
