import { COPY_VIA, type ColumnDefault, InvalidArgumentError } from '@ballast/core';
import { parseCall, schemas } from '@ballast/core/adapter';
import type { Knex } from 'knex';
import { z } from 'zod';
import { type CallSite, describeCallSite } from './call-site.js';
import { fragment, isKnexRaw, knexRaw } from './sql-fragment.js';

/**
 * The arguments of every helper, checked at run time (JavaScript callers get no type checks):
 * unknown keys, wrong types and empty names are refused with core's InvalidArgumentError before
 * anything runs. The option types in types.ts come from these schemas.
 */

const { name, names, sql, literal, tableName: tableRef, milliseconds, fn, progressReporter } = schemas;

/** A table name as written (never split on dots), or `{ table, schema? }`. */
export const tableName = z.union([name, tableRef]).describe('a table name, or { table, schema? }');

// --- column spec (safeAddColumn) ---

/**
 * A raw has a `sql` property too: it must not be read as a bad `{ sql }` object. (Typed as the
 * object schema itself: the guard only narrows what reaches it.)
 */
const notRaw = <T extends z.ZodType>(schema: T): T =>
  z.custom((v) => !isKnexRaw(v)).pipe(schema) as unknown as T;

/** What a default may be; all become core's ColumnDefault (`{ sql }` or `{ value }`). */
export const columnDefault = z
  .union([
    knexRaw.transform((text): ColumnDefault => ({ sql: text })),
    notRaw(z.strictObject({ sql: fragment })),
    notRaw(z.strictObject({ value: literal })),
    z.date().transform((d): ColumnDefault => ({ value: d.toISOString() })),
    literal.transform((value): ColumnDefault => ({ value })),
  ])
  .describe('a literal, { value }, { sql }, knex.raw(sql, bindings) or knex.fn.now()');

export const columnDefinition = z.strictObject({
  /** A SQL type as PostgreSQL spells it: `text`, `varchar(320)`, `bigint`, `timestamptz`. */
  type: sql.describe('a SQL type (non-empty string), e.g. "text"'),
  /** A literal value, `{ value }`, `{ sql }`, `knex.raw(...)` or `knex.fn.now()`. Default: none. */
  default: columnDefault.optional(),
  /** Ends as NOT NULL; needs a default (or a later backfill + setNotNull). Default: false. */
  notNull: z.boolean().optional(),
});

/**
 * A Knex column builder chain for the one column, e.g.
 * `(t) => t.string('email', 320).notNullable().defaultTo('')`. Only the type, `nullable`,
 * `notNullable` and `defaultTo` are taken; index/unique/references/primary/comment/check and
 * enums are refused (each has its own safe helper, or needs one statement per step).
 */
export type ColumnBuilderCallback = (table: Knex.AlterTableBuilder) => unknown;

export const columnSpec = z
  .union([sql, columnDefinition, fn<ColumnBuilderCallback>('a column builder callback (t) => t.text(...)')])
  .describe('a SQL type ("text"), { type, default?, notNull? } or (t) => t.<type>(...)');

// --- helper options ---

export const indexOptions = z.strictObject({
  /** Default `<table>_<columns>_idx` (`_key` when unique), shortened with a hash past 63 bytes. */
  name: name.optional(),
  /** Default false. */
  unique: z.boolean().optional(),
  /** Partial index predicate (SQL you write, never user input). Default none. */
  where: fragment.optional(),
  /** Access method: btree (default), hash, gin, gist, brin, spgist. */
  method: name.optional(),
});

export const foreignKeyReference = z.strictObject({
  table: name,
  columns: names,
  schema: name.optional(),
});

export const foreignKeyOptions = z.strictObject({
  /** Default `<table>_<columns>_fkey`. */
  name: name.optional(),
  /** `no action` (default), `restrict`, `cascade`, `set null`, `set default`. */
  onDelete: schemas.referentialAction.optional(),
  /** Same words as onDelete. Default `no action`. */
  onUpdate: schemas.referentialAction.optional(),
  /** Also build an index on the referencing columns (concurrently) first. Default true. */
  index: z.boolean().optional(),
});

export const backfillOptions = z.strictObject({
  /** Rows to touch (SQL you write); rows already right are skipped cheaply with it. Default: all. */
  where: fragment.optional(),
});

export const backfillSet = z
  .record(name, fragment)
  .describe('{ <column>: <SQL expression or knex.raw> }, at least one column');

export const changeColumnTypeOptions = z.strictObject({
  /** SQL over the column converting old values, e.g. `amount::bigint`. Default `<column>::<newType>`. */
  using: fragment.optional(),
  /** SQL over the new column converting back (writes of the new version reach the old column). Default a cast to the old type. */
  reverseUsing: fragment.optional(),
  /** The new column's name while both exist. Default `<column>_new`. */
  newColumn: name.optional(),
  /** MySQL/MariaDB: who copies the table, `'ballast'` (default) or `'pt-osc'` (pt-online-schema-change). */
  via: z.enum(COPY_VIA).optional(),
});

/** The confirmation itself is judged by core, whose refusal says what to deploy first. */
/** contract's options: the shadow verification's gate may be overridden, knowingly. */
export const contractOptions = z.strictObject({
  /** Contract even though the latest `ballast verify` found mismatches (their rows lose the old value). */
  ignoreVerifyMismatches: z.boolean().optional(),
});

export const dropOptions = z.strictObject({
  /** Required: the application no longer reads or writes it. */
  confirmUnused: schemas.confirmUnused,
  /** Days the backup is kept before `purgeBackups` may remove it. Default 7. */
  retentionDays: schemas.days.optional(),
});

// --- ballast(knex, options) ---

export const backfillTuning = schemas.backfillOptions.pick({
  initialBatchSize: true,
  minBatchSize: true,
  maxBatchSize: true,
  targetBatchMs: true,
  pauseMs: true,
  maxReplicaLagMs: true,
  maxClientWaitMs: true,
  lockTimeoutMs: true,
  maxRetries: true,
  throttles: true,
  concurrency: true,
});

export const ballastOptions = z.strictObject({
  /** Schema of tables given as plain strings. Default: none (PostgreSQL's search_path decides). */
  schema: name.optional(),
  /** lock_timeout per step, ms. Default 1000 (core's runner default). */
  lockTimeoutMs: milliseconds.optional(),
  /** statement_timeout for short DDL steps, ms. Default 30000; long steps (CONCURRENTLY, VALIDATE, backfill) get none. */
  statementTimeoutMs: milliseconds.optional(),
  /** Retries on lock timeout. Default 10 attempts, full jitter, 200 ms base, 5 s cap. */
  retry: schemas.retryOptions.optional(),
  /** Journal key base. Default: the migration's file name, read from the call stack. */
  migration: name.optional(),
  /** `up` or `down`. Default: read from the call stack (the `up`/`down` function calling the helper). */
  direction: z.enum(['up', 'down']).optional(),
  /** Knex's migrations table, if not the knexfile's `migrations.tableName`. Default `knex_migrations`. */
  migrationsTable: name.optional(),
  migrationsSchema: name.optional(),
  /** One line per step and retry. Default: written to stderr prefixed `ballast:`. */
  log: fn<(line: string) => void>('a function (line) => void').optional(),
  /** Progress of backfills and index builds. Default: a bar on a TTY, JSON lines otherwise; false: none. */
  progress: z
    .union([progressReporter, z.literal(false)])
    .optional()
    .describe('false, or a progress reporter { update(event), finish(event) }'),
  /** The migrator lock (`ballast_locks`) around every helper. Default: name `ballast`, TTL 30 s, wait 30 s. */
  lock: schemas.lockOptions.optional(),
  /**
   * Before a step that blocks reads or writes, wait (without queueing) while a long transaction
   * holds a conflicting lock, instead of retrying lock timeouts behind it. Default true.
   */
  waitForConflictingLocks: z.boolean().optional(),
  /**
   * Backfill tuning, passed to core's batch engine. Defaults: first batch 1000 rows, adaptive
   * toward 100 ms per batch (100–50 000 rows), no pause, waits while replica lag > 5 s.
   */
  backfill: backfillTuning.optional(),
});

const knexInstance = z
  .custom<Knex>((v) => typeof v === 'function' && typeof (v as Knex).client === 'object')
  .describe('a Knex instance or transaction (the `knex` passed to up/down)');

export const parseBallastArgs = (args: readonly unknown[]) =>
  parseCall('ballast', { knex: knexInstance, options: ballastOptions.optional() }, args);

/** Each helper's positional arguments, by name, as parseCall reports them. */
export const helperArgs = {
  safeAddColumn: { table: tableName, column: name, spec: columnSpec },
  addIndexConcurrently: { table: tableName, columns: names, options: indexOptions.optional() },
  dropIndexConcurrently: {
    name,
    options: z.strictObject({ schema: name.optional(), table: name.optional() }).optional(),
  },
  setNotNull: { table: tableName, column: name },
  addForeignKey: {
    table: tableName,
    columns: names,
    references: foreignKeyReference,
    options: foreignKeyOptions.optional(),
  },
  addCheck: { table: tableName, name, expression: fragment },
  addUnique: {
    table: tableName,
    columns: names,
    options: z.strictObject({ name: name.optional() }).optional(),
  },
  backfill: { table: tableName, set: backfillSet, options: backfillOptions.optional() },
  renameColumn: { table: tableName, from: name, to: name },
  changeColumnType: {
    table: tableName,
    column: name,
    newType: sql.describe('a SQL type (non-empty string), e.g. "bigint"'),
    options: changeColumnTypeOptions.optional(),
  },
  contract: { table: tableName, column: name, options: contractOptions.optional() },
  dropColumn: { table: tableName, column: name, options: dropOptions },
  dropTable: { table: tableName, options: dropOptions },
} as const;

export type HelperName = keyof typeof helperArgs;
export type HelperArgs<N extends HelperName> = z.output<z.ZodObject<(typeof helperArgs)[N]>>;

/** The helper's arguments parsed (fragments rendered, defaults normalised), or InvalidArgumentError. */
export function parseHelperArgs<N extends HelperName>(
  helper: N,
  shown: string,
  args: readonly unknown[],
  site?: CallSite,
): HelperArgs<N> {
  try {
    return parseCall(shown, helperArgs[helper], args) as HelperArgs<N>;
  } catch (error) {
    // The migration file and line, as every other helper error names them.
    if (error instanceof InvalidArgumentError && site)
      throw new InvalidArgumentError(error.problems, describeCallSite(site));
    throw error;
  }
}
