import { defineRule, ident, pgAlterTable, report } from '../define.js';
import { defaultOf, nodeOf, typeText, volatileFunctions } from '../pg-ast.js';
import type { RuleReport } from '../types.js';

/** strong_migrations "add column with volatile default"; squawk adding-field-with-default. */
export default defineRule({
  id: 'require-constant-default-for-new-column',
  severity: 'error',
  dialects: ['postgres'],
  docs: 'A volatile default (or any default before PostgreSQL 11) on a new column rewrites the table.',
  check(ctx, s) {
    const alter = pgAlterTable(s);
    if (!alter || ctx.isNewTable(alter.raw)) return undefined;
    const out: RuleReport[] = [];
    for (const cmd of alter.cmds) {
      const col = cmd.subtype === 'AT_AddColumn' ? nodeOf(cmd.def, 'ColumnDef') : undefined;
      const def = col && defaultOf(col);
      if (!col || !def) continue;
      const volatile = volatileFunctions(def);
      const old = ctx.options.pgVersion < 11;
      if (!old && volatile.length === 0) continue;
      out.push(
        report('require-constant-default-for-new-column', {
          table: alter.table,
          column: ident('postgres', col.colname ?? '?'),
          type: typeText(col.typeName),
          default: volatile.length ? `${volatile[0]}()` : 'this value',
          why: old
            ? ` (PostgreSQL ${ctx.options.pgVersion} stores every default in each row; 11+ does not for constants)`
            : `: ${volatile.join(', ')}() is evaluated once per row`,
        }),
      );
    }
    return out;
  },
});
