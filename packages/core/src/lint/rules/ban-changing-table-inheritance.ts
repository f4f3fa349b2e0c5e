import { defineRule, ident, pgAlterTable, report } from '../define.js';
import { nodeOf, relationName } from '../pg-ast.js';

/**
 * ALTER TABLE child INHERIT / NO INHERIT parent: queries on the parent start (or stop) returning
 * the child's rows at once, under ACCESS EXCLUSIVE on the child (measured: SHARE UPDATE EXCLUSIVE
 * on the parent for INHERIT, ACCESS SHARE for NO INHERIT). No squawk equivalent.
 */
export default defineRule({
  id: 'ban-changing-table-inheritance',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'INHERIT / NO INHERIT changes what every query on the parent returns, under locks on both tables.',
  check(ctx, s) {
    const alter = pgAlterTable(s);
    if (!alter) return undefined;
    return alter.cmds.flatMap((cmd) => {
      if (cmd.subtype !== 'AT_AddInherit' && cmd.subtype !== 'AT_DropInherit') return [];
      const parentRaw = relationName(nodeOf(cmd.def, 'RangeVar'));
      // A table the file created has no readers yet, and neither has a parent created here.
      if (ctx.isNewTable(alter.raw) || ctx.isNewTable(parentRaw)) return [];
      const adding = cmd.subtype === 'AT_AddInherit';
      return [
        report('ban-changing-table-inheritance', {
          table: alter.table,
          parent: ident('postgres', parentRaw),
          form: adding ? 'INHERIT' : 'NO INHERIT',
          effect: adding ? 'start returning' : 'stop returning',
        }),
      ];
    });
  },
});
