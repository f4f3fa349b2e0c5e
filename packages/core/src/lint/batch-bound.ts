/**
 * Is an UPDATE/DELETE bounded to one batch? A WHERE alone is not (`WHERE col IS NULL` is the whole
 * table on a backfill); bounded means a top-level AND term that caps the rows touched:
 * - a key range with both ends on one column (`id >= $1 AND id < $2`, `id BETWEEN a AND b`);
 * - `id = <constant>` / `id IN (<constants>)`: a point update of named rows;
 * - a sub-select with LIMIT (`id IN (SELECT id … LIMIT 1000)`, `ctid = ANY(ARRAY(SELECT … LIMIT n))`).
 * MySQL/MariaDB: a LIMIT on the statement, or the same WHERE shapes (MySQL has no LIMIT in IN
 * sub-selects).
 */
import type { Node } from 'libpg-query';
import type { MysqlAst } from './define.js';
import { nodeOf, nodesOf, stringsOf } from './pg-ast.js';

/** Top-level AND terms of a WHERE. */
function pgConjuncts(node: Node | undefined): Node[] {
  const bool = nodeOf(node, 'BoolExpr');
  if (bool?.boolop === 'AND_EXPR') return (bool.args ?? []).flatMap(pgConjuncts);
  return node ? [node] : [];
}

const pgColumn = (n: Node | undefined) => stringsOf(nodeOf(n, 'ColumnRef')?.fields).pop();
const isPgConstant = (n: Node | undefined) => Boolean(nodeOf(n, 'A_Const') || nodeOf(n, 'ParamRef'));
const POINT_KEY = /^(id|uuid)$/;

/** A SELECT with a LIMIT anywhere inside `node`. */
function hasLimitedSelect(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasLimitedSelect);
  if (!node || typeof node !== 'object') return false;
  const select = (node as { SelectStmt?: { limitCount?: unknown } }).SelectStmt;
  if (select?.limitCount) return true;
  return Object.values(node).some(hasLimitedSelect);
}

export function pgBoundedWhere(where: Node | undefined): boolean {
  const terms = pgConjuncts(where);
  const lower = new Set<string>();
  const upper = new Set<string>();
  for (const term of terms) {
    if (hasLimitedSelect(term)) return true;
    const e = nodeOf(term, 'A_Expr');
    if (!e) continue;
    const op = stringsOf(e.name)[0];
    const column = pgColumn(e.lexpr);
    if (!column) continue;
    if (e.kind === 'AEXPR_BETWEEN') return true;
    if (e.kind === 'AEXPR_IN' && POINT_KEY.test(column)) {
      if (nodesOf(nodeOf(e.rexpr, 'List')?.items, 'A_Const').length > 0) return true;
    }
    if (e.kind !== 'AEXPR_OP' || !isPgConstant(e.rexpr)) continue;
    if (op === '=' && POINT_KEY.test(column)) return true;
    if (op === '>' || op === '>=') lower.add(column);
    if (op === '<' || op === '<=') upper.add(column);
  }
  return [...lower].some((c) => upper.has(c));
}

function mysqlConjuncts(expr: MysqlAst): MysqlAst[] {
  if (expr?.type === 'binary_expr' && String(expr.operator).toUpperCase() === 'AND')
    return [...mysqlConjuncts(expr.left), ...mysqlConjuncts(expr.right)];
  return expr ? [expr] : [];
}

const MYSQL_CONSTANT = new Set(['number', 'string', 'single_quote_string', 'param', 'var', 'bool']);

export function mysqlBoundedWhere(where: MysqlAst): boolean {
  const lower = new Set<string>();
  const upper = new Set<string>();
  for (const term of mysqlConjuncts(where)) {
    if (term?.type !== 'binary_expr' || term.left?.type !== 'column_ref') continue;
    const column = String(term.left.column?.expr?.value ?? term.left.column ?? '');
    const op = String(term.operator).toUpperCase();
    if (op === 'BETWEEN') return true;
    const constant = MYSQL_CONSTANT.has(term.right?.type);
    if (
      (op === '=' || op === 'IN') &&
      POINT_KEY.test(column) &&
      (constant || term.right?.type === 'expr_list')
    )
      return true;
    if (!constant) continue;
    if (op === '>' || op === '>=') lower.add(column);
    if (op === '<' || op === '<=') upper.add(column);
  }
  return [...lower].some((c) => upper.has(c));
}
