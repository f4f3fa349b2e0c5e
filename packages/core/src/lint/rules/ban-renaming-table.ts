import { defineRule, ident, mysqlAlter, mysqlTable, report } from '../define.js';
import { nodeOf, relationName } from '../pg-ast.js';

/** Relations running code names in its queries: renaming any of them breaks it alike. */
const RENAMED: Readonly<Record<string, string>> = {
  OBJECT_TABLE: 'table',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'materialized view',
  OBJECT_FOREIGN_TABLE: 'foreign table',
};

/** strong_migrations "renaming a table"; squawk renaming-table. */
export default defineRule({
  id: 'ban-renaming-table',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres', 'mysql'],
  docs: 'Renaming a table breaks application instances still running the old code.',
  check(ctx, s) {
    if (s.dialect === 'postgres') {
      const rename = nodeOf(s.node, 'RenameStmt');
      const kind = RENAMED[rename?.renameType ?? ''];
      // RENAME COLUMN / CONSTRAINT carry a relation too; only the relation's own rename is ours.
      if (!rename || !kind || rename.subname || ctx.isNewTable(relationName(rename.relation)))
        return undefined;
      return report('ban-renaming-table', {
        kind,
        table: ident('postgres', relationName(rename.relation)),
        newName: ident('postgres', rename.newname ?? '?'),
      });
    }
    if (s.ast?.type === 'rename') {
      const pairs: unknown[][] = s.ast.table ?? [];
      return pairs
        .filter((pair) => !ctx.isNewTable(String((pair[0] as { table?: string })?.table)))
        .map((pair) =>
          report('ban-renaming-table', {
            kind: 'table',
            table: mysqlTable(pair[0]),
            newName: mysqlTable(pair[1]),
          }),
        );
    }
    const alter = mysqlAlter(s);
    const rename = alter?.expr.find((e) => e.action === 'rename' && e.resource === 'table');
    if (!alter || !rename || ctx.isNewTable(alter.raw)) return undefined;
    return report('ban-renaming-table', {
      kind: 'table',
      table: alter.table,
      newName: ident('mysql', String(rename.table ?? '?')),
    });
  },
});
