import type {
  BackfillOptions as CoreBackfillOptions,
  ProgressReporter,
  RetryOptions,
  RunOptions,
  RunReport,
} from '@ballast/core';
import type { ColumnSpec } from './column-spec.js';
import type { ExpandContractHelpers, ExpandContractReverse } from './expand-contract.js';
import type { Direction } from './migration-context.js';

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
