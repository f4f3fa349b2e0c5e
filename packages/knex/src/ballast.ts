import {
  consoleProgress,
  type Database,
  type Plan,
  planAddCheck,
  planAddColumn,
  planAddForeignKey,
  planAddUnique,
  planBackfill,
  planCreateIndex,
  planDropIndex,
  planSetNotNull,
  type RunOptions,
  type RunReport,
  readServerInfo,
  runPlan,
  type ServerInfo,
  silentProgress,
  tableRef,
  WrongContextError,
} from '@ballast/core';
import { freezePlan } from '@ballast/core/adapter';
import type { Knex } from 'knex';
import { type HelperArgs, parseBallastArgs, parseHelperArgs } from './arguments.js';
import { type CallSite, userCallSites } from './call-site.js';
import { resolveColumnSpec } from './column-spec.js';
import { knexDatabase, knexMysqlCredentials } from './database.js';
import { expandContractHelpers } from './expand-contract.js';
import { alreadyAppliedError, describeCall, explainWrongContext, irreversibleError } from './messages.js';
import { type MigrationContext, resolveMigrationContext } from './migration-context.js';
import type { Ballast, BallastOptions, TableName } from './types.js';

type PlannedHelper =
  | 'safeAddColumn'
  | 'addIndexConcurrently'
  | 'dropIndexConcurrently'
  | 'setNotNull'
  | 'addForeignKey'
  | 'addCheck'
  | 'addUnique'
  | 'backfill';

/**
 * The helpers for one migration: `const b = ballast(knex)` at the top of `up`/`down`. Each helper
 * asks core's planner for the steps and core's runner to execute them; nothing here decides what
 * is safe. Helpers are idempotent: a rerun skips what is done (catalog checks + the journal).
 */
export function ballast(knex: Knex, given: BallastOptions = {}): Ballast {
  const options = parseBallastArgs([knex, given]).options ?? {};
  const db: Database = knexDatabase(knex);
  const createdAt = userCallSites();
  let server: Promise<ServerInfo> | undefined;
  let context: Promise<MigrationContext> | undefined;

  const ref = (t: TableName) => tableRef(t, options.schema);

  async function execute(
    call: string,
    sites: readonly CallSite[],
    plan: (server: ServerInfo) => Plan,
    direction: 'forward' | 'reverse',
  ): Promise<RunReport> {
    const site = sites[0];
    server ??= db.withSession(readServerInfo);
    context ??= resolveMigrationContext(knex, db, sites.length > 0 ? sites : createdAt, options);
    const [info, ctx] = await Promise.all([server, context]);
    if (ctx.direction === 'up' && ctx.recorded && ctx.name) throw alreadyAppliedError(ctx.name, call, site);
    const planned = plan(info);
    if (direction === 'reverse' && planned.reverse.length === 0) {
      throw irreversibleError(call, site, planned.operation);
    }
    const toRun = direction === 'reverse' ? reversed(planned) : planned;
    try {
      return await runPlan(db, toRun, runOptions(ctx));
    } catch (error) {
      if (error instanceof WrongContextError) throw explainWrongContext(error, call, site);
      throw error;
    }
  }

  // Core's runner names backfill checkpoints after the journal key (`migration`), so a re-apply
  // after a rollback backfills again while a rerun after a crash resumes.
  function runOptions(ctx: MigrationContext): RunOptions {
    return {
      backfill: options.backfill,
      lockTimeoutMs: options.lockTimeoutMs,
      statementTimeoutMs: options.statementTimeoutMs,
      retry: options.retry,
      migration: ctx.journalKey,
      log: options.log ?? ((line) => process.stderr.write(`ballast: ${line}\n`)),
      progress: options.progress === false ? silentProgress : (options.progress ?? consoleProgress()),
      lock: options.lock,
      ...(options.waitForConflictingLocks === undefined
        ? {}
        : { waitForConflictingLocks: options.waitForConflictingLocks }),
    };
  }

  // Each helper: its parsed arguments (arguments.ts) → the planner input and the planner.
  const planners: { [N in PlannedHelper]: (a: HelperArgs<N>) => (s: ServerInfo) => Plan } = {
    safeAddColumn: (a) => (s) =>
      planAddColumn(
        {
          ...ref(a.table),
          column: a.column,
          ...resolveColumnSpec(knex, ref(a.table).table, a.column, a.spec),
        },
        s,
      ),
    addIndexConcurrently: (a) => (s) =>
      planCreateIndex({ ...ref(a.table), columns: a.columns, ...a.options }, s),
    dropIndexConcurrently: (a) => (s) =>
      planDropIndex(
        {
          name: a.name,
          schema: a.options?.schema ?? options.schema,
          ...(a.options?.table ? { table: a.options.table } : {}),
        },
        s,
      ),
    setNotNull: (a) => (s) => planSetNotNull({ ...ref(a.table), column: a.column }, s),
    addForeignKey: (a) => (s) =>
      planAddForeignKey({ ...ref(a.table), columns: a.columns, references: a.references, ...a.options }, s),
    addCheck: (a) => (s) => planAddCheck({ ...ref(a.table), name: a.name, expression: a.expression }, s),
    addUnique: (a) => (s) => planAddUnique({ ...ref(a.table), columns: a.columns, ...a.options }, s),
    backfill: (a) => (s) => planBackfill({ ...ref(a.table), set: a.set, ...a.options }, s),
  };

  // Arguments are checked first (nothing runs on a typo); the call site is read before the first
  // await, while the migration's frame is on the stack.
  const helper =
    <N extends PlannedHelper>(name: N, direction: 'forward' | 'reverse') =>
    (...args: unknown[]): Promise<RunReport> => {
      const sites = userCallSites();
      const shown = `${direction === 'reverse' ? 'reverse.' : ''}${name}`;
      try {
        const plan = planners[name](parseHelperArgs(name, shown, args, sites[0]));
        return execute(describeCall(shown, args), sites, plan, direction);
      } catch (error) {
        return Promise.reject(error);
      }
    };

  // The hook for expand-contract.ts: the same context and run options as every helper here.
  const expandContract = expandContractHelpers({
    db,
    ref,
    mysqlCredentials: () => knexMysqlCredentials(knex),
    async begin(call, sites) {
      context ??= resolveMigrationContext(knex, db, sites.length > 0 ? sites : createdAt, options);
      const ctx = await context;
      if (ctx.direction === 'up' && ctx.recorded && ctx.name)
        throw alreadyAppliedError(ctx.name, call, sites[0]);
      const run = runOptions(ctx);
      // Expand/contract calls may run backfills outside runPlan: name their checkpoint per call.
      const job = ctx.journalKey ? { job: `${ctx.journalKey}:${call}` } : {};
      return { run: { ...run, backfill: { ...run.backfill, ...job } }, name: ctx.name };
    },
  });

  return {
    safeAddColumn: helper('safeAddColumn', 'forward'),
    addIndexConcurrently: helper('addIndexConcurrently', 'forward'),
    dropIndexConcurrently: helper('dropIndexConcurrently', 'forward'),
    // MySQL/MariaDB: core's setNotNull reads the column's definition to restate it.
    setNotNull: db.dialect === 'mysql' ? expandContract.mysql.setNotNull : helper('setNotNull', 'forward'),
    addForeignKey: helper('addForeignKey', 'forward'),
    addCheck: helper('addCheck', 'forward'),
    addUnique: helper('addUnique', 'forward'),
    backfill: helper('backfill', 'forward'),
    // renameColumn, changeColumnType, contract, dropColumn/dropTable with backups; its `reverse`
    // is replaced just below by the merged one
    ...expandContractOnly(expandContract),
    reverse: {
      safeAddColumn: helper('safeAddColumn', 'reverse'),
      addIndexConcurrently: helper('addIndexConcurrently', 'reverse'),
      setNotNull:
        db.dialect === 'mysql' ? expandContract.mysql.reverse.setNotNull : helper('setNotNull', 'reverse'),
      addForeignKey: helper('addForeignKey', 'reverse'),
      addCheck: helper('addCheck', 'reverse'),
      addUnique: helper('addUnique', 'reverse'),
      ...expandContract.reverse,
    },
  };
}

/** The expand/contract helpers without the MySQL-only ones mapped above. */
const expandContractOnly = ({ mysql: _mysql, ...helpers }: ReturnType<typeof expandContractHelpers>) =>
  helpers;

/** The plan that runs a plan's reverse steps (and whose reverse is the original). */
function reversed(plan: Plan): Plan {
  return freezePlan({
    operation: `${plan.operation} (reverse)`,
    ...(plan.requires ? { requires: plan.requires } : {}),
    target: plan.target,
    steps: plan.reverse,
    reverse: plan.steps,
    notes: [],
  });
}
