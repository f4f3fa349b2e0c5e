import {
  type BackupRecord,
  type ChangeColumnTypeRequest,
  type ContractResult,
  changeColumnType,
  changeColumnTypeMysql,
  contract,
  type Database,
  dropColumnWithBackup,
  dropTableWithBackup,
  type MysqlCredentials,
  type RunOptions,
  type RunReport,
  renameColumn,
  requireNoMysqlExpansionOn,
  restoreBackup,
  setNotNullMysql,
  type TableRef,
  UnsupportedServerError,
  undoChangeColumnTypeMysql,
  undoContract,
  undoExpand,
  WrongContextError,
} from '@ballast/core';
import type { z } from 'zod';
import {
  type changeColumnTypeOptions,
  type dropOptions,
  type HelperArgs,
  type HelperName,
  parseHelperArgs,
  type tableName,
} from './arguments.js';
import { type CallSite, userCallSites } from './call-site.js';
import { describeCall, explainWrongContext } from './messages.js';

/**
 * The Knex helpers for expand/contract and for drops with a backup. Core does the work
 * (core/expand, core/backup); this file only maps arguments and the migration context.
 */
export type ChangeColumnTypeOptions = z.input<typeof changeColumnTypeOptions>;

/** Data loss needs an explicit yes: the application must no longer read or write the column/table. */
export interface ConfirmUnused {
  readonly confirmUnused: true;
}

/** `confirmUnused: true` (required) and `retentionDays` (default 7). */
export type DropOptions = z.input<typeof dropOptions> & ConfirmUnused;

/** The same as types.ts's TableName (declared from the schema here: types.ts imports this file). */
type TableArg = z.input<typeof tableName>;

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
  /**
   * Contract (a later migration): backs up and drops the old column and the trigger. `column`: old
   * or new name. Refused while the latest `ballast verify` found mismatches, unless
   * `ignoreVerifyMismatches: true`.
   */
  contract(table: TableArg, column: string, options?: ContractOptions): Promise<ContractResult>;
  /** Copies the values (keyed by primary key, on the backfill loop) to `ballast_backup`, then drops the column. */
  dropColumn(table: TableArg, column: string, options: DropOptions): Promise<BackupRecord>;
  /** Renames the table aside (`ballast_dropped_<table>_<stamp>`, instant), recorded as a backup: that is the drop. */
  dropTable(table: TableArg, options: DropOptions): Promise<BackupRecord>;
}

/**
 * The `down()` side, same arguments as in `up()`: renameColumn / changeColumnType drop the new
 * column and the trigger (the old column has every value); contract brings the old column back
 * from its backup, up to date, trigger re-attached; dropColumn / dropTable restore from this
 * migration's backup (values, default and NOT NULL; the table moved back).
 */
export type ExpandContractReverse = Omit<ExpandContractHelpers, 'contract'> & {
  contract(table: TableArg, column: string, options?: ContractOptions): Promise<RunReport>;
};

export interface ContractOptions {
  readonly ignoreVerifyMismatches?: boolean;
}

/** What `ballast(knex)` hands over: its Database and the per-call migration context. */
export interface HelperHooks {
  readonly db: Database;
  ref(table: TableArg): TableRef;
  /** MySQL/MariaDB: how the connections connect, for pt-online-schema-change (`via: 'pt-osc'`). */
  mysqlCredentials?: () => Promise<MysqlCredentials>;
  /** Run options for this call, and the migration file name the backups are recorded under. */
  begin(
    call: string,
    sites: readonly CallSite[],
  ): Promise<{ readonly run: RunOptions; readonly name?: string | undefined }>;
}

/** MySQL/MariaDB only: setNotNull reads the column's definition first (ballast.ts maps it there). */
export interface MysqlOnlyHelpers {
  setNotNull(table: TableArg, column: string): Promise<RunReport>;
}

export function expandContractHelpers(hooks: HelperHooks): ExpandContractHelpers & {
  reverse: ExpandContractReverse;
  mysql: MysqlOnlyHelpers & { reverse: MysqlOnlyHelpers };
} {
  const { db, ref } = hooks;
  // Arguments are checked first; the call site is read before the first await, while the
  // migration's frame is on the stack.
  const call =
    <N extends HelperName, R>(
      name: N,
      reverse: boolean,
      body: (ctx: { run: RunOptions; name?: string | undefined }, a: HelperArgs<N>) => Promise<R>,
    ) =>
    (...args: unknown[]): Promise<R> => {
      const sites = userCallSites();
      const label = `${reverse ? 'reverse.' : ''}${name}`;
      let parsed: HelperArgs<N>;
      try {
        parsed = parseHelperArgs(name, label, args, sites[0]);
      } catch (error) {
        return Promise.reject(error);
      }
      const shown = describeCall(label, args);
      return hooks
        .begin(shown, sites)
        .then((ctx) => body(ctx, parsed))
        .catch((error: unknown) => {
          throw error instanceof WrongContextError ? explainWrongContext(error, shown, sites[0]) : error;
        });
    };
  const typeRequest = (a: HelperArgs<'changeColumnType'>): ChangeColumnTypeRequest => {
    const { via: _via, ...options } = a.options ?? {};
    return { ...ref(a.table), column: a.column, newType: a.newType, ...options };
  };
  // `via: 'pt-osc'` hands the copy to pt-online-schema-change, connected as Knex is.
  const viaOptions = async (a: HelperArgs<'changeColumnType'>) => {
    const via = a.options?.via;
    if (via !== 'pt-osc') return {};
    if (db.dialect !== 'mysql' || !hooks.mysqlCredentials) {
      throw new UnsupportedServerError(
        `changeColumnType ${a.table}.${a.column}: via: 'pt-osc' is for MySQL/MariaDB (pt-online-schema-change)`,
        {
          where: `${a.table}.${a.column}`,
          hint: 'leave out via on PostgreSQL: the type change runs as expand/contract there',
        },
      );
    }
    return { via, credentials: await hooks.mysqlCredentials() };
  };
  // restoreBackup takes backup options only; the drops also take the runner's.
  const backupOptions = (
    ctx: { run: RunOptions; name?: string | undefined },
    o: HelperArgs<'dropTable'>['options'],
  ) => ({
    ...(ctx.name ? { migration: ctx.name } : {}),
    ...(o.retentionDays !== undefined ? { retentionDays: o.retentionDays } : {}),
    lockTimeoutMs: ctx.run.lockTimeoutMs,
    retry: ctx.run.retry,
    progress: ctx.run.progress,
  });
  // pt-osc is an online copy: it cannot carry an expand's new column and conversions.
  const refuseViaWithExpand = (a: HelperArgs<'changeColumnType'>) => {
    if (a.options?.via !== 'pt-osc') return;
    throw new UnsupportedServerError(
      `changeColumnType ${a.table}.${a.column}: via: 'pt-osc' runs an online copy, which cannot be combined with newColumn, using or reverseUsing (expand/contract)`,
      {
        where: `${a.table}.${a.column}`,
        hint: 'leave out via for expand/contract, or leave out newColumn/using/reverseUsing to copy the table with pt-online-schema-change',
      },
    );
  };
  // MySQL/MariaDB: a type change without expand options is an online copy; the rest is core's expand/contract.
  const copies = (a: HelperArgs<'changeColumnType'>) =>
    db.dialect === 'mysql' && !a.options?.newColumn && !a.options?.using && !a.options?.reverseUsing;
  const copyOptions = (c: { run: RunOptions; name?: string | undefined }) => {
    const { job, ...copy } = (c.run.backfill ?? {}) as { job?: string };
    return {
      ...(typeof job === 'string' ? { job } : {}),
      ...(c.name ? { migration: c.name } : {}),
      copy,
      ...(c.run.log ? { log: c.run.log } : {}),
      ...(c.run.progress ? { progress: c.run.progress } : {}),
      ...(c.run.lockTimeoutMs !== undefined ? { lockTimeoutMs: c.run.lockTimeoutMs } : {}),
      ...(c.run.retry ? { retry: c.run.retry } : {}),
      ...(c.run.lock !== undefined ? { lock: c.run.lock } : {}),
    };
  };
  return {
    mysql: {
      setNotNull: call('setNotNull', false, (c, a) =>
        setNotNullMysql(db, { ...ref(a.table), column: a.column }, c.run),
      ),
      reverse: {
        setNotNull: call('setNotNull', true, (c, a) =>
          setNotNullMysql(db, { ...ref(a.table), column: a.column }, c.run, true),
        ),
      },
    },
    renameColumn: call('renameColumn', false, (c, a) =>
      renameColumn(db, { ...ref(a.table), from: a.from, to: a.to }, c.run),
    ),
    changeColumnType: call('changeColumnType', false, async (c, a) => {
      const via = await viaOptions(a);
      if (!copies(a)) {
        refuseViaWithExpand(a);
        return changeColumnType(db, typeRequest(a), c.run);
      }
      await requireNoMysqlExpansionOn(db, ref(a.table), `change type of ${a.column}`);
      return changeColumnTypeMysql(db, typeRequest(a), { ...copyOptions(c), ...via });
    }),
    contract: call('contract', false, (c, a) =>
      contract(
        db,
        { ...ref(a.table), column: a.column },
        // The journal key stays c.run.migration (`<file>@<id>`), as for every helper; the backup
        // is recorded under the file name.
        {
          ...c.run,
          ...(c.name ? { backupMigration: c.name } : {}),
          ...(a.options?.ignoreVerifyMismatches ? { ignoreVerifyMismatches: true } : {}),
        },
      ),
    ),
    // Core refuses the drop unless confirmUnused is true (the casts pass on what the caller gave).
    dropColumn: call('dropColumn', false, (c, a) =>
      dropColumnWithBackup(
        db,
        { ...ref(a.table), column: a.column, confirmUnused: a.options.confirmUnused as true },
        { ...backupOptions(c, a.options), run: c.run },
      ),
    ),
    dropTable: call('dropTable', false, (c, a) =>
      dropTableWithBackup(
        db,
        { ...ref(a.table), confirmUnused: a.options.confirmUnused as true },
        { ...backupOptions(c, a.options), run: c.run },
      ),
    ),
    reverse: {
      renameColumn: call('renameColumn', true, (c, a) =>
        undoExpand(db, { ...ref(a.table), column: a.from }, c.run),
      ),
      changeColumnType: call('changeColumnType', true, async (c, a) => {
        const via = await viaOptions(a);
        if (!copies(a)) {
          refuseViaWithExpand(a);
          return undoExpand(db, { ...ref(a.table), column: a.column }, c.run);
        }
        return undoChangeColumnTypeMysql(
          db,
          { ...ref(a.table), column: a.column },
          { ...copyOptions(c), ...via },
        );
      }),
      contract: call('contract', true, (c, a) =>
        undoContract(db, { ...ref(a.table), column: a.column }, c.run),
      ),
      dropColumn: call('dropColumn', true, (c, a) =>
        restoreBackup(
          db,
          { table: ref(a.table).table, column: a.column, ...(c.name ? { migration: c.name } : {}) },
          backupOptions(c, a.options),
        ),
      ),
      dropTable: call('dropTable', true, (c, a) =>
        restoreBackup(
          db,
          { table: ref(a.table).table, ...(c.name ? { migration: c.name } : {}) },
          backupOptions(c, a.options),
        ),
      ),
    },
  };
}
