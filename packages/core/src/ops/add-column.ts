import type { z } from 'zod';
import type { Dialect } from '../db.js';
import { onlineClauses, plannedAlgorithm } from '../dialects/mysql/capabilities.js';
import { mysqlColumnExists, mysqlColumnMissing } from '../dialects/mysql/compare/probes.js';
import {
  columnExists,
  columnHasDefault,
  columnMissing,
  columnNotNull,
} from '../dialects/postgres/catalog.js';
import { quoteIdent, quoteLiteral, quoteTable } from '../dialects/quote.js';
import type { MysqlServerInfo, ServerInfo } from '../dialects/server.js';
import { UnsafeOperationError } from '../errors.js';
import type { ColumnExpectation } from '../expect.js';
import { freezePlan, type Plan, type SqlStep, type Step } from '../plan.js';
import { addColumnInput } from '../validate/ops.js';
import { parseArgs } from '../validate/parse.js';
import { backfillStep } from './backfill.js';
import { notNullSteps } from './set-not-null.js';
import { displayName, ownerOf, qi, qtable, relationsOf, requireFragment, sqlStep } from './shared.js';
import { defaultVolatility } from './volatility.js';

export type ColumnDefault =
  /** A SQL expression, by contract written by the developer (e.g. `now()`, `gen_random_uuid()`). */
  | { readonly sql: string }
  /** A value, rendered as a literal. */
  | { readonly value: string | number | boolean | null };

/** Checked at run time by `addColumnInput` (validate/ops.ts), from which this type comes. */
export type AddColumnInput = z.input<typeof addColumnInput>;

export function renderDefault(where: string, value: ColumnDefault, dialect: Dialect = 'postgres'): string {
  if ('sql' in value) return requireFragment(where, 'default expression', value.sql, dialect);
  const v = value.value;
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') {
    if (!Number.isFinite(v))
      throw new UnsafeOperationError(`${where}: default ${v} is not a finite number`, { where });
    return String(v);
  }
  return quoteLiteral(dialect, v);
}

/**
 * ADD COLUMN without a table rewrite under ACCESS EXCLUSIVE:
 * - no default, or a non-volatile default on PG >= 11: one instant statement (NOT NULL included);
 * - volatile default (or any default on PG < 11): add the column nullable → SET DEFAULT (new rows)
 *   → batched backfill of existing rows → NOT NULL via the set-not-null sequence when asked.
 * Reverse: DROP COLUMN.
 */
export function planAddColumn(args: AddColumnInput, server: ServerInfo): Plan {
  const input = parseArgs(addColumnInput, args, 'planAddColumn input');
  const target = `${displayName(input)}.${input.column}`;
  const id = `add-column:${target}`;
  const type = requireFragment(target, 'column type', input.type, server.dialect);
  const defaultSql =
    input.default === undefined ? undefined : renderDefault(target, input.default, server.dialect);
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
  if (server.dialect === 'mysql') return planAddColumnMysql(input, server, type);
  // Quoted for PostgreSQL only after the MySQL branch: the name limits differ (63 bytes, 64 characters).
  const t = qtable(input);
  const c = qi(input.column);
  const volatility =
    input.volatile !== undefined
      ? { volatile: input.volatile, reason: 'declared by the caller' }
      : input.default && 'sql' in input.default
        ? defaultVolatility(input.default.sql)
        : { volatile: false, reason: 'a literal value' };
  const instant = isNullDefault || (!volatility.volatile && server.capabilities.instantAddColumnDefault);
  // Without `instant`, the default and NOT NULL come from later steps: an interrupted run leaves the column without them.
  const expects: ColumnExpectation = {
    kind: 'column',
    table: input.table,
    schema: input.schema,
    column: input.column,
    type,
    default: isNullDefault ? null : defaultSql!,
    notNull: input.notNull === true,
    ...(instant ? {} : { later: { default: true, notNull: true } }),
  };
  const addColumn = (sql: string, description: string) =>
    sqlStep({
      id: `${id}:add`,
      description,
      lock: 'ACCESS EXCLUSIVE',
      relations: relationsOf(input),
      transactional: true,
      timeout: 'ddl',
      sql,
      done: columnExists(input, input.column),
      expects,
    });
  const reverse = [
    sqlStep({
      id: `${id}:drop`,
      description: `drop column ${target}`,
      lock: 'ACCESS EXCLUSIVE',
      relations: relationsOf(input),
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
      requires: ownerOf(input),
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
      relations: relationsOf(input),
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
    requires: ownerOf(input),
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

/**
 * MySQL/MariaDB: one ALTER that states its algorithm, so the server fails instead of copying the
 * table: the one dialects/mysql/capabilities.ts gives this version (INSTANT, else INPLACE with
 * LOCK=NONE). Per-row (volatile) defaults have no online form there and are refused.
 */
function planAddColumnMysql(input: AddColumnInput, server: MysqlServerInfo, type: string): Plan {
  const target = `${displayName(input)}.${input.column}`;
  const d = input.default;
  if (d && 'sql' in d && (input.volatile ?? defaultVolatility(d.sql).volatile)) {
    throw new UnsafeOperationError(
      `add column ${target}: a per-row default copies the table on MySQL/MariaDB`,
      {
        where: target,
        hint: 'add the column without it and backfill in batches',
      },
    );
  }
  const given = d ? renderDefault(target, d, 'mysql') : null;
  const defaultSql = given === null ? '' : ` DEFAULT ${given}`;
  const algorithm = plannedAlgorithm(server.capabilities, 'add-column', target);
  const instant = algorithm === 'INSTANT';
  const table = quoteTable('mysql', input);
  const column = quoteIdent('mysql', input.column);
  const step = (id: string, description: string, sql: string, more: Pick<SqlStep, 'done' | 'expects'>) =>
    sqlStep({
      id,
      description,
      lock: 'METADATA EXCLUSIVE',
      // So the runner waits out a long transaction on the table instead of queueing clients behind it.
      relations: relationsOf(input),
      transactional: true,
      timeout: 'ddl',
      sql,
      ...more,
    });
  const expects: ColumnExpectation = {
    kind: 'column',
    table: input.table,
    schema: input.schema,
    column: input.column,
    type,
    default: given === null || given === 'NULL' ? null : given,
    notNull: input.notNull === true,
  };
  return freezePlan({
    operation: 'add-column',
    target,
    steps: [
      step(
        `add-column:${target}:add`,
        `add column ${target} ${instant ? 'INSTANT: catalog-only' : 'in place, reads and writes continue'}`,
        `ALTER TABLE ${table} ADD COLUMN ${column} ${type}${defaultSql}${input.notNull ? ' NOT NULL' : ''}, ${onlineClauses(algorithm)}`,
        { done: mysqlColumnExists(input, input.column), expects },
      ),
    ],
    reverse: [
      step(
        `add-column:${target}:drop`,
        `drop column ${target}`,
        `ALTER TABLE ${table} DROP COLUMN ${column}`,
        { done: mysqlColumnMissing(input, input.column) },
      ),
    ],
    notes: [],
  });
}
