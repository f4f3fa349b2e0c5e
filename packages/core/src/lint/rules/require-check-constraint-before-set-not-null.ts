import { defineRule, ident, pgAlterTable, report } from '../define.js';

/** strong_migrations "setting NOT NULL on an existing column"; squawk adding-not-nullable-field. */
export default defineRule({
  id: 'require-check-constraint-before-set-not-null',
  severity: 'error',
  fix: 'planned',
  dialects: ['postgres'],
  docs: 'SET NOT NULL scans the table under an ACCESS EXCLUSIVE lock unless a validated CHECK proves it.',
  check(ctx, s) {
    const alter = pgAlterTable(s);
    if (!alter || ctx.isNewTable(alter.raw)) return undefined;
    return alter.cmds
      .filter(
        (cmd) => cmd.subtype === 'AT_SetNotNull' && !ctx.hasValidatedNotNullCheck(alter.raw, cmd.name ?? ''),
      )
      .map((cmd) =>
        report('require-check-constraint-before-set-not-null', {
          table: alter.table,
          column: ident('postgres', cmd.name ?? '?'),
        }),
      );
  },
});
