import { defineRule, ident, report } from '../define.js';
import { nodeOf, nodesOf, relationName } from '../pg-ast.js';

/** Tables, indexes (ALTER INDEX … SET TABLESPACE) and materialized views are all copied. */
const MOVED = new Set(['OBJECT_TABLE', 'OBJECT_INDEX', 'OBJECT_MATVIEW']);

export default defineRule({
  id: 'ban-set-tablespace',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'ALTER TABLE/INDEX ... SET TABLESPACE copies the relation under an ACCESS EXCLUSIVE lock.',
  check(ctx, s) {
    const alter = s.dialect === 'postgres' ? nodeOf(s.node, 'AlterTableStmt') : undefined;
    if (!alter?.objtype || !MOVED.has(alter.objtype)) return undefined;
    const raw = relationName(alter.relation);
    if (ctx.isNewTable(raw) || ctx.isNewIndex(raw)) return undefined;
    return nodesOf(alter.cmds, 'AlterTableCmd')
      .filter((c) => c.subtype === 'AT_SetTableSpace')
      .map((c) =>
        report('ban-set-tablespace', {
          table: `${alter.objtype === 'OBJECT_INDEX' ? 'index ' : ''}${ident('postgres', raw)}`,
          tablespace: ident('postgres', c.name ?? '?'),
        }),
      );
  },
});
