import { defineRule, ident, mysqlTable, report } from '../define.js';
import { nodeOf, nodesOf, relationName } from '../pg-ast.js';

/** strong_migrations has none; squawk ban-truncate-cascade is narrower: any TRUNCATE loses data. */
export default defineRule({
  id: 'ban-truncate',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres', 'mysql'],
  docs: 'TRUNCATE takes an exclusive lock and deletes every row.',
  check(ctx, s) {
    if (s.dialect === 'postgres') {
      const truncate = nodeOf(s.node, 'TruncateStmt');
      return nodesOf(truncate?.relations, 'RangeVar')
        .filter((r) => !ctx.isNewTable(relationName(r)))
        .map((r) => report('ban-truncate', { table: ident('postgres', relationName(r)) }));
    }
    if (s.ast?.type !== 'truncate') return undefined;
    const refs: unknown[] = s.ast.name ?? [];
    return refs
      .filter((r) => !ctx.isNewTable(String((r as { table?: string }).table)))
      .map((r) => report('ban-truncate', { table: mysqlTable(r) }));
  },
});
