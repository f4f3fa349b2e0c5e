import type { RunReport } from '@ballast/core';
import type { z } from 'zod';
import type {
  backfillOptions,
  backfillTuning,
  ballastOptions,
  foreignKeyOptions,
  foreignKeyReference,
  indexOptions,
  tableName,
} from './arguments.js';
import type { ColumnSpec } from './column-spec.js';
import type { ExpandContractHelpers, ExpandContractReverse } from './expand-contract.js';

export type { ConfirmUnused } from './expand-contract.js';

import type { Fragment } from './sql-fragment.js';

/** Options of `ballast(knex, options)`; every one has a default (documented in arguments.ts). */
export type BallastOptions = z.input<typeof ballastOptions>;

export type BackfillTuning = z.input<typeof backfillTuning>;

/** A table name as written (never split on dots), or with its schema. */
export type TableName = z.input<typeof tableName>;

export type IndexOptions = z.input<typeof indexOptions>;

export type ForeignKeyReference = z.input<typeof foreignKeyReference>;

export type ForeignKeyOptions = z.input<typeof foreignKeyOptions>;

export type BackfillOptions = z.input<typeof backfillOptions>;

/** dropColumn/dropTable (with a backup), renameColumn, changeColumnType, contract: expand-contract.ts. */
export interface Ballast extends ExpandContractHelpers {
  safeAddColumn(table: TableName, column: string, spec: ColumnSpec): Promise<RunReport>;
  addIndexConcurrently(
    table: TableName,
    columns: readonly string[],
    options?: IndexOptions,
  ): Promise<RunReport>;
  /** `table`: required on MySQL/MariaDB, where index names are per table. */
  dropIndexConcurrently(
    name: string,
    options?: { readonly schema?: string; readonly table?: string },
  ): Promise<RunReport>;
  setNotNull(table: TableName, column: string): Promise<RunReport>;
  addForeignKey(
    table: TableName,
    columns: readonly string[],
    references: ForeignKeyReference,
    options?: ForeignKeyOptions,
  ): Promise<RunReport>;
  addCheck(table: TableName, name: string, expression: Fragment): Promise<RunReport>;
  addUnique(
    table: TableName,
    columns: readonly string[],
    options?: { readonly name?: string },
  ): Promise<RunReport>;
  backfill(
    table: TableName,
    set: Readonly<Record<string, Fragment>>,
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
