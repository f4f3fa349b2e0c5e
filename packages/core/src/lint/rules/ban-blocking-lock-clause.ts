import { defineRule, mysqlAlter, mysqlOption, mysqlTable, report } from '../define.js';

const BLOCKS: Record<string, string> = { SHARED: 'writes', EXCLUSIVE: 'reads and writes' };

/** LOCK=SHARED / LOCK=EXCLUSIVE ask MySQL to block traffic even when it could stay online. */
export default defineRule({
  id: 'ban-blocking-lock-clause',
  severity: 'error',
  fix: 'none',
  dialects: ['mysql'],
  docs: 'LOCK=SHARED or LOCK=EXCLUSIVE blocks writes (or everything) for the whole ALTER.',
  check(ctx, s) {
    if (s.dialect !== 'mysql') return undefined;
    const alter = mysqlAlter(s);
    const isIndex = s.ast?.type === 'create' && s.ast.keyword === 'index';
    const lock = alter
      ? mysqlOption(alter.expr, 'lock')
      : isIndex
        ? s.ast.lock_option?.lock?.toUpperCase()
        : undefined;
    const raw = alter ? alter.raw : String(s.ast?.table?.table ?? '');
    if (!lock || !BLOCKS[lock] || ctx.isNewTable(raw)) return undefined;
    const table = alter ? alter.table : mysqlTable(s.ast.table);
    return report('ban-blocking-lock-clause', {
      table,
      lock,
      blocked: BLOCKS[lock]!,
      example: s.sql.replace(/lock\s*=\s*(shared|exclusive)/i, 'LOCK=NONE'),
    });
  },
});
