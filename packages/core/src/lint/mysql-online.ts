/**
 * MySQL/MariaDB online DDL clauses: which ALGORITHM a plain ALTER can ask for on a given server,
 * so the statement fails fast instead of silently copying or locking the table. Each clause is
 * named by its kind; what the kind can do is decided in dialects/mysql/capabilities.ts only.
 */
import {
  type AlterClauseKind,
  mysqlCapabilities,
  onlineAlgorithm,
  onlineClauses,
} from '../dialects/mysql/capabilities.js';
import { type MysqlAst, mysqlOption } from './define.js';
import type { MysqlServer } from './types.js';

const FULLTEXT_OR_SPATIAL = /fulltext|spatial/i;

/** The facts-table kind of one ALTER clause; undefined for clauses the table does not describe. */
export function alterClauseKind(e: MysqlAst): AlterClauseKind | undefined {
  if (e.action === 'add' && e.resource === 'column') {
    if (e.auto_increment) return 'add-auto-increment-column';
    if (e.generated?.storage_type === 'stored') return 'add-stored-generated-column';
    return /^(first|after)$/i.test(String(e.suffix?.keyword ?? '')) ? 'add-column-positioned' : 'add-column';
  }
  if ((e.action === 'add' || e.action === 'drop') && e.resource === 'index') {
    return FULLTEXT_OR_SPATIAL.test(e.keyword ?? '') ? 'fulltext-or-spatial-index' : 'secondary-index';
  }
  if (e.action === 'add' && /^check$/i.test(e.create_definitions?.constraint_type ?? '')) return 'add-check';
  if (e.action === 'add' && /unique/i.test(e.create_definitions?.constraint_type ?? ''))
    return 'secondary-index';
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
  const caps = mysqlCapabilities(server.flavor, server.version);
  if (ast?.type === 'create' && ast.keyword === 'index') {
    if (ast.algorithm_option || ast.lock_option) return undefined;
    const kind = FULLTEXT_OR_SPATIAL.test(ast.index_type ?? '')
      ? 'fulltext-or-spatial-index'
      : 'secondary-index';
    const algorithm = onlineAlgorithm(caps, [kind]);
    // CREATE INDEX takes the clauses without a comma.
    return algorithm && { what: 'CREATE INDEX', sql: `${body} ${onlineClauses(algorithm).replace(',', '')}` };
  }
  if (ast?.type !== 'alter' || !Array.isArray(ast.expr)) return undefined;
  const expr: MysqlAst[] = ast.expr;
  if (mysqlOption(expr, 'algorithm') || mysqlOption(expr, 'lock')) return undefined;
  const kinds = expr.map(alterClauseKind);
  if (kinds.some((k) => k === undefined)) return undefined;
  const algorithm = onlineAlgorithm(caps, kinds as AlterClauseKind[]);
  if (!algorithm) return undefined;
  const what = kinds.every((k) => k?.startsWith('add-column')) ? 'ADD COLUMN' : 'ALTER TABLE ... INDEX';
  return { what, sql: `${body}, ${onlineClauses(algorithm)}` };
}
