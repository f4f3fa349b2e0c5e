import { defineRule, ident, mysqlAlter, pgAlterTable, report } from '../define.js';

/** strong_migrations "removing a column"; squawk ban-drop-column. */
export default defineRule({
  id: 'ban-dropping-column',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres', 'mysql'],
  docs: 'Dropping a column breaks running code that uses it and loses its data.',
  check(ctx, s) {
    const pg = pgAlterTable(s);
    if (pg) {
      if (ctx.isNewTable(pg.raw)) return undefined;
      return pg.cmds
        .filter((c) => c.subtype === 'AT_DropColumn')
        .map((c) =>
          report('ban-dropping-column', { table: pg.table, column: ident('postgres', c.name ?? '?') }),
        );
    }
    const my = mysqlAlter(s);
    if (!my || ctx.isNewTable(my.raw)) return undefined;
    return my.expr
      .filter((e) => e.action === 'drop' && e.resource === 'column')
      .map((e) =>
        report('ban-dropping-column', { table: my.table, column: ident('mysql', e.column?.column ?? '?') }),
      );
  },
});
