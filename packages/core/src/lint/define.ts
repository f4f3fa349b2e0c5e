/** Helpers shared by rule files: the reports they build and the statements they look into. */
import type { AlterTableCmd, ColumnDef, Constraint, TypeName } from 'libpg-query';
import { quoteIdent } from '../dialects/quote.js';
import { type MessageId, render } from './messages.js';
import { nodeOf, nodesOf, relationName, stringsOf } from './pg-ast.js';
import type { LintContext, LintDialect, PgStatement, Rule, RuleReport, Statement } from './types.js';

export const defineRule = (rule: Rule): Rule => Object.freeze(rule);

export const report = (id: MessageId, params: Readonly<Record<string, string>>): RuleReport =>
  render(id, params);

const SIMPLE_PG = /^[a-z_][a-z0-9_$]*$/;

/** A name as the user would write it: bare when that is unambiguous, quoted otherwise. */
export function ident(dialect: LintDialect, name: string): string {
  if (dialect === 'postgres' && SIMPLE_PG.test(name)) return name;
  const bare = dialect === 'postgres' ? /^[a-z_][a-z0-9_$]*$/ : /^[A-Za-z_][A-Za-z0-9_$]*$/;
  return name
    .split('.')
    .map((part) => (bare.test(part) ? part : quoteIdent(dialect, part)))
    .join('.');
}

export interface PgAlter {
  /** Display form (quoted when needed) and the raw name for ctx.isNewTable. */
  readonly table: string;
  readonly raw: string;
  readonly cmds: readonly AlterTableCmd[];
}

/** The table and sub-commands of `ALTER TABLE`, or undefined for any other statement. */
const alterCache = new WeakMap<Statement, PgAlter | undefined>();

/** The table and sub-commands of `ALTER TABLE` (memoized: most rules ask for it). */
export function pgAlterTable(s: Statement): PgAlter | undefined {
  if (s.dialect !== 'postgres') return undefined;
  if (alterCache.has(s)) return alterCache.get(s);
  const alter = readPgAlter(s);
  alterCache.set(s, alter);
  return alter;
}

function readPgAlter(s: PgStatement): PgAlter | undefined {
  const alter = nodeOf(s.node, 'AlterTableStmt');
  if (alter?.objtype !== 'OBJECT_TABLE') return undefined;
  const raw = relationName(alter.relation);
  return { table: ident('postgres', raw), raw, cmds: nodesOf(alter.cmds, 'AlterTableCmd') };
}

export const isPg = (s: Statement): s is PgStatement => s.dialect === 'postgres';

// biome-ignore lint/suspicious/noExplicitAny: node-sql-parser ASTs are loosely typed JSON
export type MysqlAst = any;

/** `db.table` of a node-sql-parser table reference. */
export function mysqlTable(ref: MysqlAst): string {
  const t = Array.isArray(ref) ? ref[0] : ref;
  if (!t?.table) return '?';
  return ident('mysql', t.db ? `${t.db}.${t.table}` : t.table);
}

/** The table and sub-clauses of a MySQL `ALTER TABLE`. */
export function mysqlAlter(s: Statement): { table: string; raw: string; expr: MysqlAst[] } | undefined {
  if (s.dialect !== 'mysql' || s.ast?.type !== 'alter' || !Array.isArray(s.ast.expr)) return undefined;
  const first = Array.isArray(s.ast.table) ? s.ast.table[0] : s.ast.table;
  return { table: mysqlTable(s.ast.table), raw: String(first?.table ?? ''), expr: s.ast.expr };
}

/** The value of an ALGORITHM= or LOCK= clause in a MySQL ALTER, upper case. */
export function mysqlOption(expr: readonly MysqlAst[], key: 'algorithm' | 'lock'): string | undefined {
  const clause = expr.find((e) => e?.resource === key);
  return clause ? String(clause[key]).toUpperCase() : undefined;
}

export interface PgColumnType {
  readonly table: string;
  readonly column: string;
  readonly type: TypeName | undefined;
}

/** Every column type the statement writes: CREATE TABLE columns, ADD COLUMN, ALTER COLUMN TYPE. */
export function pgColumnTypes(s: Statement): PgColumnType[] {
  if (s.dialect !== 'postgres') return [];
  const create = nodeOf(s.node, 'CreateStmt');
  if (create) {
    const table = ident('postgres', relationName(create.relation));
    return nodesOf(create.tableElts, 'ColumnDef').map((c) => ({
      table,
      column: ident('postgres', c.colname ?? '?'),
      type: c.typeName,
    }));
  }
  const alter = pgAlterTable(s);
  if (!alter) return [];
  return alter.cmds.flatMap((cmd) => {
    const col = nodeOf(cmd.def, 'ColumnDef');
    if (!col || (cmd.subtype !== 'AT_AddColumn' && cmd.subtype !== 'AT_AlterColumnType')) return [];
    return [
      { table: alter.table, column: ident('postgres', col.colname ?? cmd.name ?? '?'), type: col.typeName },
    ];
  });
}

/** Columns added by `ALTER TABLE … ADD COLUMN` to a table that existed before this file. */
export function pgAddedColumns(ctx: LintContext, s: Statement): Array<{ alter: PgAlter; col: ColumnDef }> {
  const alter = pgAlterTable(s);
  if (!alter || ctx.isNewTable(alter.raw)) return [];
  return alter.cmds.flatMap((cmd) => {
    const col = cmd.subtype === 'AT_AddColumn' ? nodeOf(cmd.def, 'ColumnDef') : undefined;
    return col ? [{ alter, col }] : [];
  });
}

/**
 * Constraints of one type added to a pre-existing table: by `ALTER TABLE … ADD CONSTRAINT`, or
 * written inline in `ADD COLUMN c … CHECK (…) | UNIQUE | PRIMARY KEY | REFERENCES t`, which takes
 * the same scan, index build and locks as the ALTER form (`inline` is then the new column).
 */
export function pgAddedConstraints(
  ctx: LintContext,
  s: Statement,
  contype: Constraint['contype'],
): Array<{ alter: PgAlter; con: Constraint; columns: string[]; inline?: ColumnDef }> {
  const alter = pgAlterTable(s);
  if (!alter || ctx.isNewTable(alter.raw)) return [];
  return alter.cmds.flatMap((cmd) => {
    const con = cmd.subtype === 'AT_AddConstraint' ? nodeOf(cmd.def, 'Constraint') : undefined;
    if (con && con.contype === contype) return [{ alter, con, columns: stringsOf(con.keys) }];
    const col = cmd.subtype === 'AT_AddColumn' ? nodeOf(cmd.def, 'ColumnDef') : undefined;
    if (!col) return [];
    return nodesOf(col.constraints, 'Constraint')
      .filter((c) => c.contype === contype)
      .map((c) => ({ alter, con: c, columns: [col.colname ?? '?'], inline: col }));
  });
}
