import { defineRule, ident, pgAlterTable, report } from '../define.js';
import { nodeOf } from '../pg-ast.js';
import { clauseText } from '../source.js';

/** strong_migrations "adding a check constraint"; squawk constraint-missing-not-valid. */
export default defineRule({
  id: 'require-not-valid-check-constraint',
  severity: 'error',
  dialects: ['postgres'],
  docs: 'A validated CHECK scans the table under an ACCESS EXCLUSIVE lock.',
  check(ctx, s) {
    const alter = pgAlterTable(s);
    if (!alter || ctx.isNewTable(alter.raw)) return undefined;
    return alter.cmds.flatMap((cmd) => {
      const con = cmd.subtype === 'AT_AddConstraint' ? nodeOf(cmd.def, 'Constraint') : undefined;
      if (con?.contype !== 'CONSTR_CHECK' || con.skip_validation) return [];
      return [
        report('require-not-valid-check-constraint', {
          table: alter.table,
          constraint: ident('postgres', con.conname ?? `${alter.raw.split('.').pop()}_check`),
          definition: clauseText(s.sql, /\bcheck\s*\(/i) ?? 'CHECK (...)',
        }),
      ];
    });
  },
});
