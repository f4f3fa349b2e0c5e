/**
 * MySQL/MariaDB statements → planner inputs (planCreateIndex / planAddColumn with a MySQL
 * ServerInfo). Only plain columns and B-tree indexes map; anything else gets no fix.
 */
import type { ServerInfo } from '../dialects/server.js';
import { type TableRef, tableRef } from '../dialects/table-ref.js';
import type { MysqlAst } from '../lint/define.js';
import type { MysqlStatement } from '../lint/types.js';
import { planAddColumn } from '../ops/add-column.js';
import { planCreateIndex } from '../ops/create-index.js';
import type { Plan } from '../plan.js';
import type { NoPlan } from './types.js';

const PLAIN_COLUMN_KEYS = new Set([
  'action',
  'column',
  'definition',
  'resource',
  'nullable',
  'default_val',
  'keyword',
  'suffix',
  'type',
  'generated',
  'if_not_exists',
]);

/** The parser's `{ db, table }` as the one TableRef. */
const tableRefOf = (ref: MysqlAst): TableRef =>
  tableRef(String(ref.table), ref.db ? String(ref.db) : undefined);
const columnsOf = (defs: MysqlAst[] | undefined) => (defs ?? []).map((d) => String(d?.column ?? ''));

function typeOf(def: MysqlAst): string | undefined {
  if (!def?.dataType) return undefined;
  const size =
    def.length !== undefined && def.length !== null
      ? `(${def.length}${def.scale !== undefined ? `,${def.scale}` : ''})`
      : '';
  const suffix = Array.isArray(def.suffix)
    ? def.suffix.filter((s: unknown) => /^(unsigned|zerofill)$/i.test(String(s)))
    : [];
  if (Array.isArray(def.suffix) && suffix.length !== def.suffix.length) return undefined;
  return [`${def.dataType}${size}`, ...suffix].join(' ');
}

function defaultOf(d: MysqlAst): { sql: string } | { value: string | number | boolean | null } | undefined {
  const v = d?.value;
  if (!v) return undefined;
  if (v.type === 'number') return { value: Number(v.value) };
  // The parser keeps the literal's source text (escapes undecoded, whose meaning depends on the
  // server's sql_mode): the fix copies the literal as written rather than re-rendering a value.
  if (v.type === 'single_quote_string') return { sql: `'${String(v.value)}'` };
  if (v.type === 'bool') return { value: Boolean(v.value) };
  if (v.type === 'null') return { value: null };
  const fn = v.type === 'function' ? v.name?.name?.[0]?.value : undefined;
  if (fn && /^(current_timestamp|now)$/i.test(fn)) return { sql: String(fn).toUpperCase() };
  return undefined;
}

function planAlterClause(table: TableRef, e: MysqlAst, server: ServerInfo): Plan | string {
  if (e.action !== 'add') return `no planner for ALTER TABLE … ${String(e.action).toUpperCase()}`;
  if (e.resource === 'column') {
    if (e.suffix || e.generated || Object.keys(e).some((k) => !PLAIN_COLUMN_KEYS.has(k)))
      return 'only plain ADD COLUMN (type, NULL/NOT NULL, DEFAULT) has a planner';
    const type = typeOf(e.definition);
    const def = e.default_val ? defaultOf(e.default_val) : undefined;
    if (!type) return 'the column type has no planner';
    if (e.default_val && !def) return 'the DEFAULT expression has no planner';
    return planAddColumn(
      {
        ...table,
        column: String(e.column.column),
        type,
        ...(def ? { default: def } : {}),
        notNull: e.nullable?.type === 'not null',
      },
      server,
    );
  }
  if (e.resource === 'index' && /^(index|key)$/i.test(String(e.keyword))) {
    return planCreateIndex(
      { ...table, columns: columnsOf(e.definition), ...(e.index ? { name: String(e.index) } : {}) },
      server,
    );
  }
  const unique = /^unique( index| key)?$/i.test(String(e.create_definitions?.constraint_type ?? ''));
  if (unique) {
    const c = e.create_definitions;
    const name = c.index ?? c.constraint;
    return planCreateIndex(
      { ...table, columns: columnsOf(c.definition), unique: true, ...(name ? { name: String(name) } : {}) },
      server,
    );
  }
  return `no planner for ALTER TABLE … ADD ${String(e.resource ?? '').toUpperCase()}`;
}

export function planMysqlStatement(s: MysqlStatement, server: ServerInfo): Plan[] | NoPlan {
  const ast = s.ast;
  if (ast?.type === 'create' && ast.keyword === 'index') {
    if (ast.index_using || ast.index_options || (ast.index_type && ast.index_type !== 'unique'))
      return { reason: 'only plain B-tree (UNIQUE) indexes have a planner' };
    const unique = ast.index_type === 'unique';
    return [
      planCreateIndex(
        { ...tableRefOf(ast.table), columns: columnsOf(ast.index_columns), name: String(ast.index), unique },
        server,
      ),
    ];
  }
  if (ast?.type !== 'alter' || !Array.isArray(ast.expr))
    return { reason: `no planner for ${String(ast?.type ?? 'this statement').toUpperCase()}` };
  const table = tableRefOf(Array.isArray(ast.table) ? ast.table[0] : ast.table);
  const plans: Plan[] = [];
  for (const e of ast.expr) {
    const plan = planAlterClause(table, e, server);
    if (typeof plan === 'string') return { reason: plan };
    plans.push(plan);
  }
  return plans;
}
