import { defineRule, ident, pgAlterTable, report } from '../define.js';
import { nodeOf, stringsOf } from '../pg-ast.js';

/** strong_migrations "adding a unique constraint"; squawk disallowed-unique-constraint. */
export default defineRule({
  id: 'require-existing-index-for-unique-constraint',
  severity: 'error',
  dialects: ['postgres'],
  docs: 'ADD UNIQUE builds its index under an ACCESS EXCLUSIVE lock unless it reuses one built concurrently.',
  check(ctx, s) {
    const alter = pgAlterTable(s);
    if (!alter || ctx.isNewTable(alter.raw)) return undefined;
    return alter.cmds.flatMap((cmd) => {
      const con = cmd.subtype === 'AT_AddConstraint' ? nodeOf(cmd.def, 'Constraint') : undefined;
      if (con?.contype !== 'CONSTR_UNIQUE' || con.indexname) return [];
      const columns = stringsOf(con.keys);
      return [
        report('require-existing-index-for-unique-constraint', {
          table: alter.table,
          constraint: ident(
            'postgres',
            con.conname ?? `${alter.raw.split('.').pop()}_${columns.join('_')}_key`,
          ),
          columns: columns.map((c) => ident('postgres', c)).join(', '),
        }),
      ];
    });
  },
});
