import {
  type BackfillStep,
  type BackfillOptions as CoreBackfillOptions,
  consoleProgress,
  type Database,
  freezePlan,
  type Plan,
  type ProgressReporter,
  planAddCheck,
  planAddColumn,
  planAddForeignKey,
  planAddUnique,
  planCreateIndex,
  planDropIndex,
  planSetNotNull,
  type RetryOptions,
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
import {
  type ExpandContractHelpers,
  type ExpandContractReverse,
  expandContractHelpers,
} from './expand-contract.js';
import { alreadyAppliedError, describeCall, explainWrongContext, irreversibleError } from './messages.js';
import { type Direction, type MigrationContext, resolveMigrationContext } from './migration-context.js';

/** Options of `ballast(knex, options)`; every one has a default. */
export interface BallastOptions {
  /** Schema of tables given as plain strings. Default: none (PostgreSQL's search_path decides). */
  readonly schema?: string;
  /** lock_timeout per step, ms. Default 1000 (core's runner default). */
  readonly lockTimeoutMs?: number;
  /** statement_timeout for short DDL steps, ms. Default 30000; long steps (CONCURRENTLY, VALIDATE, backfill) get none. */
  readonly statementTimeoutMs?: number;
  /** Retries on lock timeout. Default 10 attempts, full jitter, 200 ms base, 5 s cap. */
  readonly retry?: RetryOptions;
  /** Journal key base. Default: the migration's file name, read from the call stack. */
  readonly migration?: string;
  /** `up` or `down`. Default: read from the call stack (the `up`/`down` function calling the helper). */
  readonly direction?: Direction;
  /** Knex's migrations table, if not the knexfile's `migrations.tableName`. Default `knex_migrations`. */
  readonly migrationsTable?: string;
  readonly migrationsSchema?: string;
  /** One line per step and retry. Default: written to stderr prefixed `ballast:`. */
  readonly log?: (line: string) => void;
  /** Progress of backfills and index builds. Default: a bar on a TTY, JSON lines otherwise; false: none. */
  readonly progress?: ProgressReporter | false;
  /** The migrator lock (`ballast_locks`) around every helper. Default: name `ballast`, TTL 30 s, wait 30 s. */
  readonly lock?: RunOptions['lock'];
  /**
   * Backfill tuning, passed to core's batch engine. Defaults: first batch 1000 rows, adaptive
   * toward 100 ms per batch (100–50 000 rows), no pause, waits while replica lag > 5 s.
   */
  readonly backfill?: BackfillTuning;
}

export type BackfillTuning = Pick<
  CoreBackfillOptions,
  | 'initialBatchSize'
  | 'minBatchSize'
  | 'maxBatchSize'
  | 'targetBatchMs'
  | 'pauseMs'
  | 'maxReplicaLagMs'
  | 'lockTimeoutMs'
  | 'maxRetries'
  | 'throttles'
>;

/** A table name as written (never split on dots), or with its schema. */
export type TableName = string | { readonly table: string; readonly schema?: string };

export interface IndexOptions {
  /** Default `<table>_<columns>_idx` (`_key` when unique), shortened with a hash past 63 bytes. */
  readonly name?: string;
  /** Default false. */
  readonly unique?: boolean;
  /** Partial index predicate (SQL you write, never user input). Default none. */
  readonly where?: string;
  /** Access method: btree (default), hash, gin, gist, brin, spgist. */
  readonly method?: string;
}

export interface ForeignKeyReference {
  readonly table: string;
  readonly columns: readonly string[];
  readonly schema?: string;
}

export interface ForeignKeyOptions {
  /** Default `<table>_<columns>_fkey`. */
  readonly name?: string;
  /** `no action` (default), `restrict`, `cascade`, `set null`, `set default`. */
  readonly onDelete?: string;
  /** Same words as onDelete. Default `no action`. */
  readonly onUpdate?: string;
  /** Also build an index on the referencing columns (concurrently) first. Default true. */
  readonly index?: boolean;
}

export interface BackfillOptions {
  /** Rows to touch (SQL you write); rows already right are skipped cheaply with it. Default: all. */
  readonly where?: string;
}

/** Data loss needs an explicit yes: the application must no longer read or write the column/table. */
export interface ConfirmUnused {
  readonly confirmUnused: true;
}

/** dropColumn/dropTable (with a backup), renameColumn, changeColumnType, contract: expand-contract.ts. */
export interface Ballast extends ExpandContractHelpers {
  safeAddColumn(table: TableName, column: string, spec: ColumnSpec): Promise<RunReport>;
  addIndexConcurrently(
    table: TableName,
    columns: readonly string[],
    options?: IndexOptions,
  ): Promise<RunReport>;
  dropIndexConcurrently(name: string, options?: { readonly schema?: string }): Promise<RunReport>;
  setNotNull(table: TableName, column: string): Promise<RunReport>;
  addForeignKey(
    table: TableName,
    columns: readonly string[],
    references: ForeignKeyReference,
    options?: ForeignKeyOptions,
  ): Promise<RunReport>;
  addCheck(table: TableName, name: string, expression: string): Promise<RunReport>;
  addUnique(
    table: TableName,
    columns: readonly string[],
    options?: { readonly name?: string },
  ): Promise<RunReport>;
  backfill(
    table: TableName,
    set: Readonly<Record<string, string>>,
    options?: BackfillOptions,
  ): Promise<RunReport>;
  /** The same helpers, given the same arguments as in `up()`, undo what they did (for `down()`). */
  readonly reverse: ReverseHelpers;
}

export type ReverseHelpers = Pick<
  Ballast,
  'safeAddColumn' | 'addIndexConcurrently' | 'setNotNull' | 'addForeignKey' | 'addCheck' | 'addUnique'
> &
  ExpandContractReverse;

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
      return await runPlan(db, toRun, runOptions(ctx, toRun));
    } catch (error) {
      if (error instanceof WrongContextError) throw explainWrongContext(error, call, site);
      throw error;
    }
  }

  function runOptions(ctx: MigrationContext, plan: Plan): RunOptions {
    // The backfill checkpoint is named after the journal key too, so a re-apply after a rollback
    // backfills again while a rerun after a crash resumes (core's default name is per table+SQL).
    const backfillStep = plan.steps.find((step) => step.kind === 'backfill');
    const job = ctx.journalKey && backfillStep ? { job: `${ctx.journalKey}:${backfillStep.id}` } : {};
    return {
      backfill: { ...options.backfill, ...job },
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
      () =>
        backfillPlan({ ...ref(table), set, ...o }),
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
      const run = runOptions(
        ctx,
        freezePlan({ operation: call, target: call, steps: [], reverse: [], notes: [] }),
      );
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
    // its `reverse` is replaced just below by the merged one
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
    target: plan.target,
    steps: plan.reverse,
    reverse: plan.steps,
    notes: [],
  });
}

/**
 * A plan of one batched backfill step (core/backfill runs it: keyset batches, each its own
 * transaction, resumable from its checkpoint). Core has no planner for a bare backfill: the step
 * is the same one planAddColumn emits for a volatile default.
 */
function backfillPlan(input: {
  readonly table: string;
  readonly schema?: string;
  readonly set: Readonly<Record<string, string>>;
  readonly where?: string;
}): Plan {
  const target = `${input.schema ? `${input.schema}.` : ''}${input.table}(${Object.keys(input.set).join(', ')})`;
  const step: BackfillStep = {
    kind: 'backfill',
    id: `backfill:${target}`,
    description: `fill ${target} on existing rows in small batches, each its own short transaction`,
    lock: 'ROW EXCLUSIVE',
    transactional: false,
    timeout: 'long',
    backfill: {
      table: input.table,
      ...(input.schema ? { schema: input.schema } : {}),
      set: input.set,
      ...(input.where ? { where: input.where } : {}),
    },
  };
  return freezePlan({ operation: 'backfill', target, steps: [step], reverse: [], notes: [] });
}
