import type { TableRef } from './dialects/table-ref.js';

/**
 * What a step's object must look like if it already exists. A step's `done` probe only asks
 * whether an object of that name is there; before any step runs, the runner compares each
 * step's expectation with the catalog (dialects/postgres/compare, dialects/mysql/compare), so an object that merely shares the
 * name stops the run with ObjectConflictError instead of counting as "already done".
 * SQL fragments here (types, defaults, expressions) are compared after the server has parsed
 * them, never as text.
 */
export type Expectation = ColumnExpectation | IndexExpectation | ConstraintExpectation;

export interface ColumnExpectation extends TableRef {
  readonly kind: 'column';
  readonly column: string;
  /** SQL type as written by the caller (`int`, `varchar(20)`). */
  readonly type: string;
  /** Default as SQL, or null for none. */
  readonly default: string | null;
  readonly notNull: boolean;
  /**
   * Later steps of the same plan set the default and NOT NULL: a column without them yet is the
   * state an interrupted run left, not a conflict.
   */
  readonly later?: { readonly default?: boolean; readonly notNull?: boolean };
}

export interface IndexExpectation extends TableRef {
  readonly kind: 'index';
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  /** Access method; default btree. */
  readonly method?: string | undefined;
  /** Partial index predicate (SQL). */
  readonly where?: string | undefined;
}

export type ConstraintExpectation =
  | CheckExpectation
  | NotNullExpectation
  | KeyExpectation
  | ForeignKeyExpectation;

interface NamedConstraint extends TableRef {
  readonly name: string;
}

export interface CheckExpectation extends NamedConstraint {
  readonly kind: 'check';
  readonly expression: string;
}

/**
 * A named NOT NULL constraint (PostgreSQL >= 18, `ADD CONSTRAINT n NOT NULL c`). PG 18 names the
 * ones it makes itself `<table>_<column>_not_null`, Ballast's default name too: that one, on the
 * same column, is the same rule, already in force.
 */
export interface NotNullExpectation extends NamedConstraint {
  readonly kind: 'not-null';
  readonly column: string;
}

export interface KeyExpectation extends NamedConstraint {
  readonly kind: 'unique' | 'primary-key';
  readonly columns: readonly string[];
}

export interface ForeignKeyExpectation extends NamedConstraint {
  readonly kind: 'foreign-key';
  readonly columns: readonly string[];
  readonly references: TableRef & { readonly columns: readonly string[] };
  /** Referential actions in lower case (`cascade`, `set null`); default `no action`. */
  readonly onDelete: string;
  readonly onUpdate: string;
}
