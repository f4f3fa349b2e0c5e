import { defineRule, ident, pgAlterTable, report } from '../define.js';
import { nodeOf, stringsOf } from '../pg-ast.js';

/** squawk adding-serial-primary-key-field / strong_migrations "adding a primary key". */
export default defineRule({
  id: 'require-existing-index-for-primary-key',
  severity: 'error',
  dialects: ['postgres'],
  docs: 'ADD PRIMARY KEY builds its index under an ACCESS EXCLUSIVE lock unless it reuses one built concurrently.',
  check(ctx, s) {
    const alter = pgAlterTable(s);
    if (!alter || ctx.isNewTable(alter.raw)) return undefined;
    return alter.cmds.flatMap((cmd) => {
      const con = cmd.subtype === 'AT_AddConstraint' ? nodeOf(cmd.def, 'Constraint') : undefined;
      if (con?.contype !== 'CONSTR_PRIMARY' || con.indexname) return [];
      const columns = stringsOf(con.keys);
      return [
        report('require-existing-index-for-primary-key', {
          table: alter.table,
          constraint: ident('postgres', con.conname ?? `${alter.raw.split('.').pop()}_pkey`),
          columns: columns.map((c) => ident('postgres', c)).join(', '),
        }),
      ];
    });
  },
});
