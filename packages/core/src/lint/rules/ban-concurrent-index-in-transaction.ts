import { defineRule, report } from '../define.js';
import { nodeOf } from '../pg-ast.js';
import type { PgStatement } from '../types.js';

function concurrentWhat(s: PgStatement): string | undefined {
  if (nodeOf(s.node, 'IndexStmt')?.concurrent) return 'CREATE INDEX CONCURRENTLY';
  const drop = nodeOf(s.node, 'DropStmt');
  if (drop?.concurrent) return 'DROP INDEX CONCURRENTLY';
  const reindex = nodeOf(s.node, 'ReindexStmt');
  const concurrently = (reindex?.params ?? []).some((p) => nodeOf(p, 'DefElem')?.defname === 'concurrently');
  return concurrently ? 'REINDEX CONCURRENTLY' : undefined;
}

/** squawk ban-concurrent-index-creation-in-transaction. */
export default defineRule({
  id: 'ban-concurrent-index-in-transaction',
  severity: 'error',
  fix: 'planned',
  dialects: ['postgres'],
  docs: 'CONCURRENTLY cannot run in a transaction block; the migration fails.',
  check(ctx, s) {
    if (s.dialect !== 'postgres' || !ctx.inTransaction) return undefined;
    const what = concurrentWhat(s);
    if (!what) return undefined;
    return report('ban-concurrent-index-in-transaction', {
      what,
      why: ctx.explicitTransaction
        ? ' (the file opened one with BEGIN)'
        : ' (the migration tool wraps this file in one)',
    });
  },
});
