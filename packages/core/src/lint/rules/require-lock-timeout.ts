import { defineRule, ident, mysqlTable, report } from '../define.js';
import { nodeOf, relationName } from '../pg-ast.js';
import { lockTimeoutSql } from '../session-sql.js';
import type { Statement } from '../types.js';

/** The table a statement must lock exclusively to run, if any. */
function lockedTable(s: Statement): { what: string; raw: string } | undefined {
  if (s.dialect === 'postgres') {
    const alter = nodeOf(s.node, 'AlterTableStmt');
    if (alter) return { what: 'ALTER TABLE', raw: relationName(alter.relation) };
    const index = nodeOf(s.node, 'IndexStmt');
    if (index && !index.concurrent) return { what: 'CREATE INDEX', raw: relationName(index.relation) };
    const rename = nodeOf(s.node, 'RenameStmt');
    if (rename?.relation) return { what: 'RENAME', raw: relationName(rename.relation) };
    return undefined;
  }
  const type = s.ast?.type;
  if (type === 'alter' || (type === 'create' && s.ast.keyword === 'index')) {
    const ref = Array.isArray(s.ast.table) ? s.ast.table[0] : s.ast.table;
    return { what: type === 'alter' ? 'ALTER TABLE' : 'CREATE INDEX', raw: String(ref?.table ?? '?') };
  }
  return undefined;
}

/** squawk require-timeout-settings; strong_migrations sets lock_timeout for you. */
export default defineRule({
  id: 'require-lock-timeout',
  severity: 'warning',
  fix: 'text',
  prelude: lockTimeoutSql,
  oncePerFile: true,
  dialects: ['postgres', 'mysql'],
  docs: 'A DDL statement without lock_timeout queues every query behind it while it waits.',
  check(ctx, s) {
    const locked = lockedTable(s);
    if (!locked || ctx.lockTimeoutSet || ctx.isNewTable(locked.raw)) return undefined;
    const pg = s.dialect === 'postgres';
    return report('require-lock-timeout', {
      what: locked.what,
      table: pg ? ident('postgres', locked.raw) : mysqlTable({ table: locked.raw }),
      setting: pg ? 'lock_timeout' : 'lock_wait_timeout',
      statement: `${lockTimeoutSql(s.dialect)};`,
    });
  },
});
