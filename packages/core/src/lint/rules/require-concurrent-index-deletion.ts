import { defineRule, ident, report } from '../define.js';
import { nodeOf, stringsOf } from '../pg-ast.js';

/** squawk require-concurrent-index-deletion. */
export default defineRule({
  id: 'require-concurrent-index-deletion',
  severity: 'error',
  fix: 'planned',
  dialects: ['postgres'],
  docs: 'DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table.',
  check(ctx, s) {
    const drop = s.dialect === 'postgres' ? nodeOf(s.node, 'DropStmt') : undefined;
    if (drop?.removeType !== 'OBJECT_INDEX' || drop.concurrent) return undefined;
    return (drop.objects ?? [])
      .map((o) => stringsOf(nodeOf(o, 'List')?.items).join('.'))
      .filter((name) => !ctx.isNewIndex(name))
      .map((name) => report('require-concurrent-index-deletion', { index: ident('postgres', name) }));
  },
});
