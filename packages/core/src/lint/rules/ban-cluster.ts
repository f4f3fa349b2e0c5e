import { defineRule, ident, report } from '../define.js';
import { nodeOf, relationName } from '../pg-ast.js';

export default defineRule({
  id: 'ban-cluster',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock.',
  check(ctx, s) {
    const cluster = s.dialect === 'postgres' ? nodeOf(s.node, 'ClusterStmt') : undefined;
    if (!cluster || (cluster.relation && ctx.isNewTable(relationName(cluster.relation)))) return undefined;
    return report('ban-cluster', {
      on: cluster.relation ? ` on ${ident('postgres', relationName(cluster.relation))}` : '',
    });
  },
});
