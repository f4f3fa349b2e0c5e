import { defineRule, ident, report } from '../define.js';
import { nodeOf, relationName } from '../pg-ast.js';

/**
 * REFRESH MATERIALIZED VIEW holds ACCESS EXCLUSIVE on the view while its query runs: every read
 * of the view waits. CONCURRENTLY (PostgreSQL 9.4+, needs a unique index) holds EXCLUSIVE, which
 * lets reads go on. No squawk equivalent.
 */
export default defineRule({
  id: 'require-concurrent-refresh-materialized-view',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view while it runs.',
  check(ctx, s) {
    const refresh = s.dialect === 'postgres' ? nodeOf(s.node, 'RefreshMatViewStmt') : undefined;
    if (!refresh || refresh.concurrent) return undefined;
    const raw = relationName(refresh.relation);
    if (ctx.isNewTable(raw)) return undefined;
    return report('require-concurrent-refresh-materialized-view', {
      view: ident('postgres', raw),
      index: ident('postgres', `${raw.split('.').pop()}_key`),
      noData: refresh.skipData ? ', and WITH NO DATA leaves it unreadable until the next refresh' : '',
    });
  },
});
