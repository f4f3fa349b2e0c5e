import { z } from 'zod';
import type { ExpansionRecord } from '../expand/catalog.js';
import type { ColumnFacts } from '../expand/facts.js';
import { confirmUnused, days, literal, name, names, sql, tableRef } from './common.js';

/**
 * Inputs of the planners in ops/, one schema each; the planners' input types are derived from
 * these (ops/*.ts), so the runtime check and the TypeScript type cannot drift apart.
 */

const optional = <T extends z.ZodType>(schema: T) => schema.optional();
const strict = <S extends z.ZodRawShape>(shape: S) => z.strictObject(shape).readonly();

export const columnDefault = z
  .union([z.strictObject({ sql }).readonly(), z.strictObject({ value: literal }).readonly()])
  .describe('{ sql: "<SQL expression>" } or { value: <literal> }');

export const addColumnInput = strict({
  ...tableRef,
  column: name,
  /** SQL type, by contract written by the developer (e.g. `text`, `numeric(10,2)`). */
  type: sql,
  default: optional(columnDefault),
  notNull: optional(z.boolean()),
  /** Overrides the volatility heuristic of ops/volatility.ts for `default.sql`. */
  volatile: optional(z.boolean()),
});

export const addCheckInput = strict({
  ...tableRef,
  name,
  /** The CHECK expression: SQL by contract (written by the developer, never user data). */
  expression: sql,
});

const REFERENTIAL_ACTIONS = ['no action', 'restrict', 'cascade', 'set null', 'set default'] as const;
/** Case and spacing are free (`SET NULL`); the words are not. */
export const referentialAction = z
  .string()
  .transform((s) => s.trim().toLowerCase().replace(/\s+/g, ' '))
  .pipe(z.enum(REFERENTIAL_ACTIONS));

export const addForeignKeyInput = strict({
  ...tableRef,
  columns: names,
  references: strict({ ...tableRef, columns: names }),
  /** Default `<table>_<columns>_fkey`. */
  name: optional(name),
  onDelete: optional(referentialAction),
  onUpdate: optional(referentialAction),
  /** Build an index on the referencing columns first (CONCURRENTLY). Default true: deletes and
   * updates on the referenced table otherwise scan this table for every row. */
  index: optional(z.boolean()),
});

export const addUniqueInput = strict({
  ...tableRef,
  columns: names,
  /** Constraint and index name. Default `<table>_<columns>_key`. */
  name: optional(name),
});

export const backfillInput = strict({
  ...tableRef,
  /** column → SQL expression per row (SQL by contract, e.g. `first_name || ' ' || last_name`). */
  set: z.record(name, sql).readonly().describe('{ <column>: "<SQL expression>" }'),
  /** Rows to write (SQL by contract); rows it excludes are passed over, which makes reruns cheap. */
  where: optional(sql),
});

export const createIndexInput = strict({
  ...tableRef,
  columns: names,
  name: optional(name),
  unique: optional(z.boolean()),
  where: optional(sql),
  method: optional(name.describe('an access method: btree, hash, gin, gist, brin, spgist')),
});

export const dropIndexInput = strict({
  name,
  schema: optional(name),
  /** The index's table: required on MySQL/MariaDB, where index names are per table. */
  table: optional(name),
});

export const setNotNullInput = strict({
  ...tableRef,
  column: name,
  /** Name of the temporary constraint. Default `<table>_<column>_not_null`. */
  constraintName: optional(name),
});

/** `confirmUnused: true` is required: the application no longer uses the column / table. */
/** What the backup step of a drop records (core/backup): retention and the migration that made it. */
export const dropBackup = strict({
  /** Days before `purgeBackups` may remove it. Default 7. */
  retentionDays: optional(days),
  /** Recorded so the migration's `down()` finds its backup; default the run's journal key. */
  migration: optional(name),
});

export const dropColumnInput = strict({
  ...tableRef,
  column: name,
  confirmUnused,
  /** `set-aside` (default): renamed in place; `copy`: values copied into ballast_backup, then dropped. */
  keep: optional(z.enum(['set-aside', 'copy'])),
  backup: optional(dropBackup),
});
export const dropTableInput = strict({
  ...tableRef,
  confirmUnused,
  backup: optional(dropBackup),
  /** Time in the set-aside name; default now. Pass it to plan the same names twice. */
  droppedAt: optional(z.date()),
});

// Records read from the catalog by core itself (readColumnFacts, ballast_expansions): their
// shape is core's own; the boundary only checks that an object was passed.
const record = <T>(what: string) =>
  z.custom<T>((v) => typeof v === 'object' && v !== null, what).describe(what);
const columnFacts = record<ColumnFacts>('column facts from readColumnFacts()');
const expansion = record<ExpansionRecord>('an expansion record from pendingContractions()');

export const renameColumnInput = strict({
  ...tableRef,
  from: name,
  to: name,
  /** The old column as the catalog has it (readColumnFacts), so this planner stays pure. */
  facts: columnFacts,
  migration: optional(name),
});

export const changeColumnTypeInput = strict({
  ...tableRef,
  column: name,
  /** SQL type of the new column, e.g. `bigint`, `numeric(12,2)`. */
  newType: sql,
  /** SQL over the column's name converting an old value, e.g. `amount::bigint`. Default `<column>::<newType>`. */
  using: optional(sql),
  /**
   * SQL over the new column's name converting back, for writes of the new application version
   * to reach the old column. Default `<newColumn>::<old type>`.
   */
  reverseUsing: optional(sql),
  /** Name of the new column while both exist. Default `<column>_new`. */
  newColumn: optional(name),
  facts: columnFacts,
  migration: optional(name),
});

export const contractInput = strict({
  /** The expansion being finished (pendingContractions / ballast_expansions). */
  expansion,
  /** What the backup step of the old column's drop records (retention, migration). */
  backup: optional(dropBackup),
});

export const undoContractInput = strict({
  expansion,
  /** The old column was NOT NULL (from its backup). */
  notNull: z.boolean(),
  /** The new column's indexes and foreign keys (readColumnFacts), rebuilt on the old column. */
  newColumnFacts: record<Pick<ColumnFacts, 'indexes' | 'foreignKeys'>>('column facts from readColumnFacts()'),
});
