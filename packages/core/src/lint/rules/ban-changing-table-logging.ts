import { defineRule, pgAlterTable, report } from '../define.js';

/** SET LOGGED / SET UNLOGGED copy the table into a new file (no squawk equivalent). */
export default defineRule({
  id: 'ban-changing-table-logging',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'SET LOGGED / SET UNLOGGED rewrites the table under an ACCESS EXCLUSIVE lock.',
  check(ctx, s) {
    const alter = pgAlterTable(s);
    if (!alter || ctx.isNewTable(alter.raw)) return undefined;
    return alter.cmds
      .filter((cmd) => cmd.subtype === 'AT_SetLogged' || cmd.subtype === 'AT_SetUnLogged')
      .map((cmd) =>
        report('ban-changing-table-logging', {
          table: alter.table,
          mode: cmd.subtype === 'AT_SetLogged' ? 'LOGGED' : 'UNLOGGED',
          wal: cmd.subtype === 'AT_SetLogged' ? ', writing all of it to the WAL (and to every replica)' : '',
        }),
      );
  },
});
