/**
 * MySQL/MariaDB online DDL clauses: which ALGORITHM a plain ALTER can ask for on a given server,
 * so the statement fails fast instead of silently copying or locking the table.
 */
import { mysqlCapabilities } from '../dialects/mysql/capabilities.js';
import { type MysqlAst, mysqlOption } from './define.js';
import type { MysqlServer } from './types.js';

/** Clauses that are plain online candidates: columns and secondary indexes. */
function onlineCandidate(e: MysqlAst): 'column' | 'index' | undefined {
  if (
    e.action === 'add' &&
    e.resource === 'column' &&
    !e.auto_increment &&
    e.generated?.storage_type !== 'stored'
  ) {
    return 'column';
  }
  if (
    (e.action === 'add' || e.action === 'drop') &&
    e.resource === 'index' &&
    !/fulltext|spatial/i.test(e.keyword ?? '')
  ) {
    return 'index';
  }
  if (e.action === 'add' && /unique/i.test(e.create_definitions?.constraint_type ?? '')) return 'index';
  return undefined;
}

export interface OnlineClauses {
  /** Human description of what the ALTER does, for messages. */
  readonly what: string;
  /** The statement with ALGORITHM/LOCK stated. */
  readonly sql: string;
}

/** For an ALTER TABLE / CREATE INDEX without explicit online clauses: the same statement with them. */
export function withOnlineClauses(
  sql: string,
  ast: MysqlAst,
  server: MysqlServer,
): OnlineClauses | undefined {
  const body = sql.replace(/;\s*$/, '');
  if (ast?.type === 'create' && ast.keyword === 'index') {
    if (ast.algorithm_option || ast.lock_option) return undefined;
    return { what: 'CREATE INDEX', sql: `${body} ALGORITHM=INPLACE LOCK=NONE` };
  }
  if (ast?.type !== 'alter' || !Array.isArray(ast.expr)) return undefined;
  const expr: MysqlAst[] = ast.expr;
  if (mysqlOption(expr, 'algorithm') || mysqlOption(expr, 'lock')) return undefined;
  const kinds = expr.map(onlineCandidate);
  if (kinds.length === 0 || kinds.some((k) => k === undefined)) return undefined;
  const positioned = /\b(first|after)\b/i.test(body);
  const caps = mysqlCapabilities(server.flavor, server.version);
  const instant =
    kinds.every((k) => k === 'column') &&
    (positioned ? caps.instantAddColumnAnyPosition : caps.instantAddColumn);
  const what = kinds.every((k) => k === 'column') ? 'ADD COLUMN' : 'ALTER TABLE ... INDEX';
  return { what, sql: `${body}, ${instant ? 'ALGORITHM=INSTANT' : 'ALGORITHM=INPLACE, LOCK=NONE'}` };
}
