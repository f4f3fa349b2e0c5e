import { defineRule, ident, pgAlterTable, report } from '../define.js';

export default defineRule({
  id: 'ban-set-tablespace',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'ALTER TABLE ... SET TABLESPACE copies the table under an ACCESS EXCLUSIVE lock.',
  check(ctx, s) {
    const alter = pgAlterTable(s);
    if (!alter || ctx.isNewTable(alter.raw)) return undefined;
    return alter.cmds
      .filter((c) => c.subtype === 'AT_SetTableSpace')
      .map((c) =>
        report('ban-set-tablespace', { table: alter.table, tablespace: ident('postgres', c.name ?? '?') }),
      );
  },
});
