import {
  columnExists,
  columnHasDefault,
  columnMissing,
  columnNotNull,
  type TableRef,
} from '../dialects/pg-catalog.js';
import { quoteLiteral } from '../dialects/quote.js';
import type { ServerInfo } from '../dialects/server.js';
import { UnsafeOperationError } from '../errors.js';
import { freezePlan, type Plan, type Step } from '../plan.js';
import { backfillStep } from './backfill.js';
import { notNullSteps } from './set-not-null.js';
import { displayName, qi, qtable, requireFragment, sqlStep } from './shared.js';
import { defaultVolatility } from './volatility.js';

export type ColumnDefault =
  /** A SQL expression, by contract written by the developer (e.g. `now()`, `gen_random_uuid()`). */
  | { readonly sql: string }
  /** A value, rendered as a literal. */
  | { readonly value: string | number | boolean | null };

export interface AddColumnInput extends TableRef {
  readonly column: string;
  /** SQL type, by contract written by the developer (e.g. `text`, `numeric(10,2)`). */
  readonly type: string;
  readonly default?: ColumnDefault;
  readonly notNull?: boolean;
  /** Overrides the volatility heuristic of ops/volatility.ts for `default.sql`. */
  readonly volatile?: boolean;
}

export function renderDefault(where: string, value: ColumnDefault): string {
  if ('sql' in value) return requireFragment(where, 'default expression', value.sql);
  const v = value.value;
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') {
    if (!Number.isFinite(v))
      throw new UnsafeOperationError(`${where}: default ${v} is not a finite number`, { where });
    return String(v);
  }
  return quoteLiteral('postgres', v);
}

/**
 * ADD COLUMN without a table rewrite under ACCESS EXCLUSIVE:
 * - no default, or a non-volatile default on PG >= 11: one instant statement (NOT NULL included);
 * - volatile default (or any default on PG < 11): add the column nullable → SET DEFAULT (new rows)
 *   → batched backfill of existing rows → NOT NULL via the set-not-null sequence when asked.
 * Reverse: DROP COLUMN.
 */
export function planAddColumn(input: AddColumnInput, server: ServerInfo): Plan {
  const target = `${displayName(input)}.${input.column}`;
  const id = `add-column:${target}`;
  const t = qtable(input);
  const c = qi(input.column);
  const type = requireFragment(target, 'column type', input.type);
  const defaultSql = input.default === undefined ? undefined : renderDefault(target, input.default);
  const isNullDefault = defaultSql === undefined || defaultSql === 'NULL';
  if (input.notNull && isNullDefault) {
    throw new UnsafeOperationError(
      `add column ${target}: NOT NULL without a default fails on existing rows`,
      {
        where: target,
        hint:
          'give a default ({ value } or { sql }); or add the column nullable, backfill it, then planSetNotNull. ' +
          'Add the default to the application first if it inserts rows.',
      },
    );
  }
  const volatility =
    input.volatile !== undefined
      ? { volatile: input.volatile, reason: 'declared by the caller' }
      : input.default && 'sql' in input.default
        ? defaultVolatility(input.default.sql)
        : { volatile: false, reason: 'a literal value' };
  const instant = isNullDefault || (!volatility.volatile && server.capabilities.instantAddColumnDefault);
  const addColumn = (sql: string, description: string) =>
    sqlStep({
      id: `${id}:add`,
      description,
      lock: 'ACCESS EXCLUSIVE',
      transactional: true,
      timeout: 'ddl',
      sql,
      done: columnExists(input, input.column),
    });
  const reverse = [
    sqlStep({
      id: `${id}:drop`,
      description: `drop column ${target}`,
      lock: 'ACCESS EXCLUSIVE',
      transactional: true,
      timeout: 'ddl',
      sql: `ALTER TABLE ${t} DROP COLUMN IF EXISTS ${c}`,
      done: columnMissing(input, input.column),
    }),
  ];
  if (instant) {
    const withDefault = isNullDefault ? '' : ` DEFAULT ${defaultSql}`;
    return freezePlan({
      operation: 'add-column',
      target,
      steps: [
        addColumn(
          `ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ${c} ${type}${withDefault}${input.notNull ? ' NOT NULL' : ''}`,
          `add column ${target}: catalog-only change${isNullDefault ? '' : ` (default is ${volatility.reason}, stored once)`}`,
        ),
      ],
      reverse,
      notes: [],
    });
  }
  const backfill = backfillStep(
    { table: input.table, schema: input.schema, set: { [input.column]: defaultSql! }, where: `${c} IS NULL` },
    `${id}:backfill`,
    {
      description: `fill ${target} on existing rows in small batches (default: ${volatility.reason})`,
      ...(input.notNull ? { done: columnNotNull(input, input.column) } : {}),
    },
  );
  const steps: Step[] = [
    addColumn(
      `ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ${c} ${type}`,
      `add column ${target} nullable: catalog-only`,
    ),
    sqlStep({
      id: `${id}:set-default`,
      description: `set the default of ${target}: new rows get it from now on, existing rows untouched`,
      lock: 'ACCESS EXCLUSIVE',
      transactional: true,
      timeout: 'ddl',
      sql: `ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT ${defaultSql}`,
      done: columnHasDefault(input, input.column),
    }),
    backfill,
    ...(input.notNull ? notNullSteps(input, server, id) : []),
  ];
  return freezePlan({
    operation: 'add-column',
    target,
    steps,
    reverse,
    notes: server.capabilities.instantAddColumnDefault
      ? [
          `The default is ${volatility.reason}: computed per row by a batched backfill instead of a table rewrite.`,
        ]
      : [
          'PostgreSQL < 11 rewrites the table for any default: it is set for new rows and backfilled in batches.',
        ],
  });
}
