import { defineRule, ident, mysqlAlter, report } from '../define.js';
import { nodeOf, relationName } from '../pg-ast.js';
import type { RuleReport } from '../types.js';

/** strong_migrations "renaming a column"; squawk renaming-column. */
export default defineRule({
  id: 'ban-renaming-column',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres', 'mysql'],
  docs: 'Renaming a column breaks application instances still running the old code.',
  check(ctx, s) {
    if (s.dialect === 'postgres') {
      const rename = nodeOf(s.node, 'RenameStmt');
      if (rename?.renameType !== 'OBJECT_COLUMN' || ctx.isNewTable(relationName(rename.relation)))
        return undefined;
      return report('ban-renaming-column', {
        table: ident('postgres', relationName(rename.relation)),
        column: ident('postgres', rename.subname ?? '?'),
        newName: ident('postgres', rename.newname ?? '?'),
      });
    }
    const alter = mysqlAlter(s);
    if (!alter || ctx.isNewTable(alter.raw)) return undefined;
    const out: RuleReport[] = [];
    for (const e of alter.expr) {
      const renamed =
        (e.action === 'rename' && e.resource === 'column') ||
        (e.action === 'change' && e.old_column?.column !== e.column?.column);
      if (!renamed) continue;
      out.push(
        report('ban-renaming-column', {
          table: alter.table,
          column: ident('mysql', e.old_column?.column ?? '?'),
          newName: ident('mysql', e.column?.column ?? '?'),
        }),
      );
    }
    return out;
  },
});
