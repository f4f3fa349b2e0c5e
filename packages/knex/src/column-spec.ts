import { BallastError, type ColumnDefault } from '@ballast/core';
import { parseArgs } from '@ballast/core/adapter';
import type { Knex } from 'knex';
import type { z } from 'zod';
import { type ColumnBuilderCallback, columnDefault, type columnDefinition, columnSpec } from './arguments.js';

export type { ColumnBuilderCallback };

/** `{ sql }` is a SQL expression you write (`now()`, `gen_random_uuid()`); `{ value }` a literal core quotes. */
export type DefaultSpec = ColumnDefault;

/** A literal default value: rendered by core as a SQL literal, never spliced by us. */
export type ColumnValue = Extract<ColumnDefault, { value: unknown }>['value'];

/** `{ type, default?, notNull? }`, checked by `columnDefinition` (arguments.ts). */
export type ColumnDefinition = z.input<typeof columnDefinition>;

/** `'text'` is the same as `{ type: 'text' }`. */
export type ColumnSpec = z.input<typeof columnSpec>;

export interface ResolvedColumn {
  readonly type: string;
  readonly default?: DefaultSpec;
  readonly notNull: boolean;
}

export class ColumnSpecError extends BallastError {
  override readonly name = 'ColumnSpecError';
}

/** Turns any accepted spec into type/default/notNull, the planner's input. */
export function resolveColumnSpec(
  knex: Knex,
  table: string,
  column: string,
  given: ColumnSpec,
): ResolvedColumn {
  const spec = parseArgs(columnSpec, given, 'safeAddColumn spec');
  if (typeof spec === 'string') return { type: spec, notNull: false };
  if (typeof spec === 'function') return fromBuilder(knex, table, column, spec);
  return {
    type: spec.type,
    notNull: spec.notNull ?? false,
    ...(spec.default ? { default: spec.default } : {}),
  };
}

// Knex internals read here (stable since Knex 0.95): TableBuilder._statements, ColumnBuilder
// _type/_args/_modifiers/_statements, and the dialect's ColumnCompiler.getColumnType().
interface KnexColumnBuilder {
  _type: string;
  _args: unknown[];
  _method: string;
  _modifiers: Record<string, unknown[]>;
  _statements: unknown[];
}
interface KnexStatement {
  grouping: string;
  method?: string;
  builder?: KnexColumnBuilder;
}
interface KnexClientInternals {
  tableBuilder(type: string, table: string, like: undefined, fn: ColumnBuilderCallback): unknown;
  tableCompiler(tableBuilder: unknown): unknown;
  columnCompiler(tableCompiler: unknown, builder: KnexColumnBuilder): { getColumnType(): string };
}

const TAKEN_MODIFIERS = new Set(['nullable', 'defaultTo']);
const REFUSED_TYPES = new Set(['increments', 'bigincrements', 'enu', 'enum']);

function fromBuilder(knex: Knex, table: string, column: string, fn: ColumnBuilderCallback): ResolvedColumn {
  const where = `${table}.${column}`;
  const refuse = (what: string, hint: string) => {
    throw new ColumnSpecError(`${where}: the column builder callback ${what}`, { where, hint });
  };
  const client = knex.client as unknown as KnexClientInternals;
  const tableBuilder = client.tableBuilder('alter', table, undefined, fn) as {
    _statements: KnexStatement[];
  };
  fn.call(tableBuilder, tableBuilder as unknown as Knex.AlterTableBuilder);
  const statements = tableBuilder._statements;
  const columns = statements.filter((s) => s.grouping === 'columns' && s.builder);
  const others = statements.filter((s) => !(s.grouping === 'columns' && s.builder));
  if (others.length > 0) {
    refuse(
      `declares more than a column (${others.map((s) => s.method ?? s.grouping).join(', ')})`,
      'use the dedicated helpers: addIndexConcurrently, addUnique, addForeignKey, addCheck',
    );
  }
  if (columns.length !== 1) {
    refuse(`must declare exactly one column, found ${columns.length}`, `e.g. (t) => t.text('${column}')`);
  }
  const builder = columns[0]!.builder!;
  const name = builder._args[0];
  if (name !== undefined && name !== column) {
    refuse(`names the column "${String(name)}"`, `name it "${column}" or leave the name out`);
  }
  if (builder._method !== 'add' || builder._statements.length > 0) {
    refuse('alters an existing column', 'safeAddColumn only adds new columns');
  }
  if (REFUSED_TYPES.has(builder._type.toLowerCase())) {
    refuse(
      `uses ${builder._type}(), which Ballast does not translate`,
      "pass the type as a string instead, e.g. 'bigint' or a CHECK added with addCheck",
    );
  }
  const extra = Object.keys(builder._modifiers).filter((m) => !TAKEN_MODIFIERS.has(m));
  if (extra.length > 0) {
    refuse(`uses ${extra.join(', ')}`, 'only the type, nullable/notNullable and defaultTo are translated');
  }
  // Give the compiler a name so types that mention the column (none we accept) still compile.
  if (name === undefined) builder._args[0] = column;
  const type = client.columnCompiler(client.tableCompiler(tableBuilder), builder).getColumnType();
  const nullable = builder._modifiers.nullable?.[0];
  const rawDefault = builder._modifiers.defaultTo;
  return {
    type,
    notNull: nullable === false,
    ...(rawDefault ? { default: knexDefault(rawDefault[0]) } : {}),
  };
}

/** knex.raw(...) / knex.fn.now() become a SQL expression (bindings as literals); anything else a literal value. */
function knexDefault(value: unknown): DefaultSpec {
  return parseArgs(columnDefault, value, 'safeAddColumn spec defaultTo()');
}
