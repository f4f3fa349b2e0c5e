import { defineRule, ident, report } from '../define.js';
import { nodeOf } from '../pg-ast.js';

/** squawk ban-drop-database. */
export default defineRule({
  id: 'ban-drop-database',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres', 'mysql'],
  docs: 'DROP DATABASE in a migration deletes everything.',
  check(_ctx, s) {
    if (s.dialect === 'postgres') {
      const drop = nodeOf(s.node, 'DropdbStmt');
      return drop ? report('ban-drop-database', { name: ident('postgres', drop.dbname ?? '?') }) : undefined;
    }
    const isDrop = s.ast?.type === 'drop' && /^(database|schema)$/i.test(String(s.ast.keyword));
    return isDrop
      ? report('ban-drop-database', { name: ident('mysql', String(s.ast.name ?? '?')) })
      : undefined;
  },
});
