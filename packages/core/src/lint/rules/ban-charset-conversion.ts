import { defineRule, mysqlAlter, report } from '../define.js';

export default defineRule({
  id: 'ban-charset-conversion',
  severity: 'error',
  fix: 'none',
  dialects: ['mysql'],
  docs: 'CONVERT TO CHARACTER SET rewrites every text column with ALGORITHM=COPY.',
  check(ctx, s) {
    const alter = mysqlAlter(s);
    const convert = alter?.expr.find((e) => e.action === 'convert');
    if (!alter || !convert || ctx.isNewTable(alter.raw)) return undefined;
    return report('ban-charset-conversion', { table: alter.table, charset: String(convert.charset) });
  },
});
