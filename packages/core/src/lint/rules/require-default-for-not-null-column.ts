import { defineRule, ident, pgAlterTable, report } from '../define.js';
import { defaultOf, hasConstraint, nodeOf, typeText } from '../pg-ast.js';
import type { RuleReport } from '../types.js';

/** squawk adding-required-field. */
export default defineRule({
  id: 'require-default-for-not-null-column',
  severity: 'error',
  dialects: ['postgres'],
  docs: 'A NOT NULL column without a default cannot be added to a table that has rows.',
  check(ctx, s) {
    const alter = pgAlterTable(s);
    if (!alter || ctx.isNewTable(alter.raw)) return undefined;
    const out: RuleReport[] = [];
    for (const cmd of alter.cmds) {
      const col = cmd.subtype === 'AT_AddColumn' ? nodeOf(cmd.def, 'ColumnDef') : undefined;
      if (!col || defaultOf(col) || !hasConstraint(col, 'CONSTR_NOTNULL')) continue;
      // Identity and generated columns compute their own value.
      if (hasConstraint(col, 'CONSTR_IDENTITY') || hasConstraint(col, 'CONSTR_GENERATED')) continue;
      if (/serial$/.test(typeText(col.typeName))) continue;
      out.push(
        report('require-default-for-not-null-column', {
          table: alter.table,
          column: ident('postgres', col.colname ?? '?'),
          type: typeText(col.typeName),
        }),
      );
    }
    return out;
  },
});
