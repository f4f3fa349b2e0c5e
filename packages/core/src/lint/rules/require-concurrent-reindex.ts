import { defineRule, ident, report } from '../define.js';
import { nodeOf, nodesOf, relationName } from '../pg-ast.js';

const KIND: Record<string, string> = {
  REINDEX_OBJECT_INDEX: 'INDEX',
  REINDEX_OBJECT_TABLE: 'TABLE',
  REINDEX_OBJECT_SCHEMA: 'SCHEMA',
  REINDEX_OBJECT_SYSTEM: 'SYSTEM',
  REINDEX_OBJECT_DATABASE: 'DATABASE',
};

/** squawk require-concurrent-index-creation's sibling for REINDEX (PostgreSQL 12+). */
export default defineRule({
  id: 'require-concurrent-reindex',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'REINDEX without CONCURRENTLY blocks writes for the whole rebuild.',
  check(ctx, s) {
    const reindex = s.dialect === 'postgres' ? nodeOf(s.node, 'ReindexStmt') : undefined;
    if (!reindex) return undefined;
    const concurrently = nodesOf(reindex.params, 'DefElem').some((d) => d.defname === 'concurrently');
    // CONCURRENTLY is PostgreSQL 12+: before that the statement fails.
    const tooOld = concurrently && ctx.options.pgVersion < 12 ? String(ctx.options.pgVersion) : '';
    if (concurrently && !tooOld) return undefined;
    const kind = KIND[reindex.kind ?? ''] ?? 'TABLE';
    const name = ident('postgres', reindex.relation ? relationName(reindex.relation) : (reindex.name ?? ''));
    return report('require-concurrent-reindex', { kind, name, target: `${kind} ${name}`, tooOld });
  },
});
