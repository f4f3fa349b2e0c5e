import { defineRule, ident, pgAlterTable, report } from '../define.js';
import { nodeOf, relationName } from '../pg-ast.js';
import { clauseText } from '../source.js';

/** strong_migrations "adding a foreign key"; squawk adding-foreign-key-constraint. */
export default defineRule({
  id: 'require-not-valid-foreign-key',
  severity: 'error',
  dialects: ['postgres'],
  docs: 'A validated foreign key scans the table while blocking writes on both tables.',
  check(ctx, s) {
    const alter = pgAlterTable(s);
    if (!alter || ctx.isNewTable(alter.raw)) return undefined;
    return alter.cmds.flatMap((cmd) => {
      const con = cmd.subtype === 'AT_AddConstraint' ? nodeOf(cmd.def, 'Constraint') : undefined;
      if (con?.contype !== 'CONSTR_FOREIGN' || con.skip_validation) return [];
      const name = con.conname ?? `${alter.raw.split('.').pop()}_fkey`;
      return [
        report('require-not-valid-foreign-key', {
          table: alter.table,
          constraint: ident('postgres', name),
          refTable: ident('postgres', relationName(con.pktable)),
          definition: clauseText(s.sql, /\bforeign\s+key\b/i) ?? 'FOREIGN KEY (...) REFERENCES ...',
        }),
      ];
    });
  },
});
