/**
 * MySQL/MariaDB online DDL clauses: which ALGORITHM a plain ALTER can ask for on a given server,
 * so the statement fails fast instead of silently copying or locking the table.
 */
import { type MysqlAst, mysqlOption } from './define.js';
import type { MysqlServer } from './types.js';

const atLeast = (v: readonly number[], min: readonly number[]) => {
  for (let i = 0; i < min.length; i++) if ((v[i] ?? 0) !== min[i]) return (v[i] ?? 0) > min[i]!;
  return true;
};

/** ADD COLUMN is INSTANT from MySQL 8.0.12 (last position; any position 8.0.29) / MariaDB 10.3.2 (any 10.4). */
export function instantAddColumn(server: MysqlServer, positioned: boolean): boolean {
  if (server.flavor === 'mariadb') return atLeast(server.version, positioned ? [10, 4, 0] : [10, 3, 2]);
  return atLeast(server.version, positioned ? [8, 0, 29] : [8, 0, 12]);
}

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
  const instant = kinds.every((k) => k === 'column') && instantAddColumn(server, positioned);
  const what = kinds.every((k) => k === 'column') ? 'ADD COLUMN' : 'ALTER TABLE ... INDEX';
  return { what, sql: `${body}, ${instant ? 'ALGORITHM=INSTANT' : 'ALGORITHM=INPLACE, LOCK=NONE'}` };
}
