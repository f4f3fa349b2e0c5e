import { defineRule, ident, mysqlTable, report } from '../define.js';
import { nodeOf, stringsOf } from '../pg-ast.js';

/** squawk ban-drop-table. */
export default defineRule({
  id: 'ban-dropping-table',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres', 'mysql'],
  docs: 'Dropping a table breaks running code that uses it and deletes its data.',
  check(ctx, s) {
    if (s.dialect === 'postgres') {
      const drop = nodeOf(s.node, 'DropStmt');
      if (drop?.removeType !== 'OBJECT_TABLE') return undefined;
      return (drop.objects ?? [])
        .map((o) => stringsOf(nodeOf(o, 'List')?.items).join('.'))
        .filter((name) => !ctx.isNewTable(name))
        .map((name) => report('ban-dropping-table', { table: ident('postgres', name) }));
    }
    if (s.ast?.type !== 'drop' || s.ast.keyword !== 'table') return undefined;
    const refs: unknown[] = s.ast.name ?? [];
    return refs
      .filter((r) => !ctx.isNewTable(String((r as { table?: string }).table)))
      .map((r) => report('ban-dropping-table', { table: mysqlTable(r) }));
  },
});
