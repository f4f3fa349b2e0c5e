import {
  consoleProgress,
  type Database,
  freezePlan,
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
  WrongContextError,
} from '@ballast/core';
import type { Knex } from 'knex';
import { type CallSite, userCallSites } from './call-site.js';
import { type ColumnSpec, resolveColumnSpec } from './column-spec.js';
import { knexDatabase } from './database.js';
import { expandContractHelpers } from './expand-contract.js';
import { alreadyAppliedError, describeCall, explainWrongContext, irreversibleError } from './messages.js';
import { type MigrationContext, resolveMigrationContext } from './migration-context.js';
import type {
  BackfillOptions,
  Ballast,
  BallastOptions,
  ForeignKeyOptions,
  ForeignKeyReference,
  IndexOptions,
  TableName,
} from './types.js';

/**
 * The helpers for one migration: `const b = ballast(knex)` at the top of `up`/`down`. Each helper
 * asks core's planner for the steps and core's runner to execute them; nothing here decides what
 * is safe. Helpers are idempotent: a rerun skips what is done (catalog checks + the journal).
 */
export function ballast(knex: Knex, options: BallastOptions = {}): Ballast {
  const db: Database = knexDatabase(knex);
  const createdAt = userCallSites();
  let server: Promise<ServerInfo> | undefined;
  let context: Promise<MigrationContext> | undefined;

  const ref = (t: TableName) => {
    const { table, schema } = typeof t === 'string' ? { table: t, schema: undefined } : t;
    const s = schema ?? options.schema;
    return s === undefined ? { table } : { table, schema: s };
  };

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
    };
  }

  // Each helper: the user's call (for messages), the planner input, and the planner.
  const planners = {
    safeAddColumn: (table: TableName, column: string, spec: ColumnSpec) => (s: ServerInfo) =>
      planAddColumn({ ...ref(table), column, ...resolveColumnSpec(knex, ref(table).table, column, spec) }, s),
    addIndexConcurrently:
      (table: TableName, columns: readonly string[], o: IndexOptions = {}) =>
      (s: ServerInfo) =>
        planCreateIndex({ ...ref(table), columns, ...o }, s),
    dropIndexConcurrently:
      (name: string, o: { readonly schema?: string } = {}) =>
      (s: ServerInfo) =>
        planDropIndex({ name, schema: o.schema ?? options.schema }, s),
    setNotNull: (table: TableName, column: string) => (s: ServerInfo) =>
      planSetNotNull({ ...ref(table), column }, s),
    addForeignKey:
      (
        table: TableName,
        columns: readonly string[],
        references: ForeignKeyReference,
        o: ForeignKeyOptions = {},
      ) =>
      (s: ServerInfo) =>
        planAddForeignKey({ ...ref(table), columns, references, ...o }, s),
    addCheck: (table: TableName, name: string, expression: string) => (s: ServerInfo) =>
      planAddCheck({ ...ref(table), name, expression }, s),
    addUnique:
      (table: TableName, columns: readonly string[], o: { readonly name?: string } = {}) =>
      (s: ServerInfo) =>
        planAddUnique({ ...ref(table), columns, ...o }, s),
    backfill:
      (table: TableName, set: Readonly<Record<string, string>>, o: BackfillOptions = {}) =>
      (s: ServerInfo) =>
        planBackfill({ ...ref(table), set, ...o }, s),
  };
  type Name = keyof typeof planners;

  // The call site is read before the first await, while the migration's frame is on the stack.
  const helper =
    <N extends Name>(name: N, direction: 'forward' | 'reverse') =>
    (...args: Parameters<(typeof planners)[N]>) => {
      const sites = userCallSites();
      const call = describeCall(`${direction === 'reverse' ? 'reverse.' : ''}${name}`, args);
      const plan = (planners[name] as (...a: typeof args) => (s: ServerInfo) => Plan)(...args);
      return execute(call, sites, plan, direction);
    };

  // The hook for expand-contract.ts: the same context and run options as every helper here.
  const expandContract = expandContractHelpers({
    db,
    ref,
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
    setNotNull: helper('setNotNull', 'forward'),
    addForeignKey: helper('addForeignKey', 'forward'),
    addCheck: helper('addCheck', 'forward'),
    addUnique: helper('addUnique', 'forward'),
    backfill: helper('backfill', 'forward'),
    // renameColumn, changeColumnType, contract, dropColumn/dropTable with backups; its `reverse`
    // is replaced just below by the merged one
    ...expandContract,
    reverse: {
      safeAddColumn: helper('safeAddColumn', 'reverse'),
      addIndexConcurrently: helper('addIndexConcurrently', 'reverse'),
      setNotNull: helper('setNotNull', 'reverse'),
      addForeignKey: helper('addForeignKey', 'reverse'),
      addCheck: helper('addCheck', 'reverse'),
      addUnique: helper('addUnique', 'reverse'),
      ...expandContract.reverse,
    },
  };
}

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
