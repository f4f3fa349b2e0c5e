import { defineRule, ident, pgAlterTable, report } from '../define.js';

/**
 * ALTER TABLE forms that copy the whole table into a new file under ACCESS EXCLUSIVE, and have
 * no rule of their own: SET ACCESS METHOD (PostgreSQL 15+) and a stored generated column's
 * SET EXPRESSION (17+), measured in lint-server-verdicts.test.ts. No squawk equivalent.
 */
export default defineRule({
  id: 'ban-alter-that-rewrites-table',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'SET ACCESS METHOD and SET EXPRESSION rewrite the whole table under an ACCESS EXCLUSIVE lock.',
  check(ctx, s) {
    const alter = pgAlterTable(s);
    if (!alter || ctx.isNewTable(alter.raw)) return undefined;
    return alter.cmds.flatMap((cmd) => {
      if (cmd.subtype === 'AT_SetAccessMethod')
        return [
          report('ban-alter-that-rewrites-table', {
            table: alter.table,
            form: `SET ACCESS METHOD ${cmd.name ?? 'DEFAULT'}`,
          }),
        ];
      if (cmd.subtype === 'AT_SetExpression')
        return [
          report('ban-alter-that-rewrites-table', {
            table: alter.table,
            form: `ALTER COLUMN ${ident('postgres', cmd.name ?? '?')} SET EXPRESSION`,
          }),
        ];
      return [];
    });
  },
});
