import { defineRule, mysqlTable, report } from '../define.js';
import { withOnlineClauses } from '../mysql-online.js';

/**
 * Without ALGORITHM/LOCK, MySQL picks the best algorithm it can, and if that is COPY or a
 * shared lock it blocks traffic without saying so. Stating them turns that into an error.
 */
export default defineRule({
  id: 'require-online-ddl-clauses',
  severity: 'warning',
  fix: 'planned',
  dialects: ['mysql'],
  docs: 'State ALGORITHM=INSTANT/INPLACE and LOCK=NONE so MySQL fails instead of blocking.',
  check(ctx, s) {
    if (s.dialect !== 'mysql') return undefined;
    const ref = Array.isArray(s.ast?.table) ? s.ast.table[0] : s.ast?.table;
    if (!ref?.table || ctx.isNewTable(String(ref.table))) return undefined;
    const online = withOnlineClauses(s.sql, s.ast, ctx.options.mysql);
    if (!online) return undefined;
    return report('require-online-ddl-clauses', {
      what: online.what,
      table: mysqlTable(ref),
      example: `${online.sql};`,
    });
  },
});
