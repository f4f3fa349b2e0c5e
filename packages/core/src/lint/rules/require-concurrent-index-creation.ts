import { defineRule, ident, report } from '../define.js';
import { nodeOf, relationName } from '../pg-ast.js';

/** strong_migrations "adding an index non-concurrently"; squawk require-concurrent-index-creation. */
export default defineRule({
  id: 'require-concurrent-index-creation',
  severity: 'error',
  fix: 'planned',
  dialects: ['postgres'],
  docs: 'CREATE INDEX without CONCURRENTLY blocks writes to an existing table for the whole build.',
  check(ctx, s) {
    const index = s.dialect === 'postgres' ? nodeOf(s.node, 'IndexStmt') : undefined;
    if (!index || index.concurrent || ctx.isNewTable(relationName(index.relation))) return undefined;
    return report('require-concurrent-index-creation', {
      index: ident('postgres', index.idxname ?? '<name>'),
      table: ident('postgres', relationName(index.relation)),
      concurrentSql: s.sql.replace(/^(create\s+(?:unique\s+)?index)\b/i, '$1 CONCURRENTLY'),
    });
  },
});
