import { defineRule, ident, report } from '../define.js';

export default defineRule({
  id: 'ban-optimize-table',
  severity: 'error',
  fix: 'none',
  dialects: ['mysql'],
  docs: 'OPTIMIZE TABLE rebuilds the table; on MyISAM and with full-text indexes it blocks writes.',
  check: (_ctx, s) =>
    s.dialect === 'mysql' && s.ast?.type === 'optimize'
      ? report('ban-optimize-table', { table: ident('mysql', String(s.ast.table)) })
      : undefined,
});
