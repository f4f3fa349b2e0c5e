import type { Node } from 'libpg-query';
import { defineRule, ident, mysqlTable, report } from '../define.js';
import { nodeOf, nodesOf, relationName, stringsOf } from '../pg-ast.js';
import { lockTimeoutSql } from '../session-sql.js';
import type { Statement } from '../types.js';

/** `DROP TRIGGER t ON s.tbl` lists [s, tbl, t]: the table is all but the last name. */
function droppedOn(objects: readonly Node[] | undefined): string {
  const names = stringsOf(nodesOf(objects, 'List')[0]?.items);
  return names.slice(0, -1).join('.');
}

/** The table a statement must lock exclusively to run, if any. */
function lockedTable(s: Statement): { what: string; raw: string } | undefined {
  if (s.dialect === 'postgres') {
    const alter = nodeOf(s.node, 'AlterTableStmt');
    if (alter) return { what: 'ALTER TABLE', raw: relationName(alter.relation) };
    const index = nodeOf(s.node, 'IndexStmt');
    if (index && !index.concurrent) return { what: 'CREATE INDEX', raw: relationName(index.relation) };
    const rename = nodeOf(s.node, 'RenameStmt');
    if (rename?.relation) return { what: 'RENAME', raw: relationName(rename.relation) };
    // Brief once granted (measured: SHARE ROW EXCLUSIVE for CREATE TRIGGER, ACCESS EXCLUSIVE for
    // the others), but while they wait every write (or every query) on the table queues.
    const trigger = nodeOf(s.node, 'CreateTrigStmt');
    if (trigger) return { what: 'CREATE TRIGGER', raw: relationName(trigger.relation) };
    const policy = nodeOf(s.node, 'CreatePolicyStmt') ?? nodeOf(s.node, 'AlterPolicyStmt');
    if (policy) return { what: 'CREATE/ALTER POLICY', raw: relationName(policy.table) };
    const rule = nodeOf(s.node, 'RuleStmt');
    if (rule) return { what: 'CREATE RULE', raw: relationName(rule.relation) };
    const drop = nodeOf(s.node, 'DropStmt');
    if (
      drop?.removeType === 'OBJECT_TRIGGER' ||
      drop?.removeType === 'OBJECT_POLICY' ||
      drop?.removeType === 'OBJECT_RULE'
    )
      return { what: `DROP ${drop.removeType.slice(7)}`, raw: droppedOn(drop.objects) };
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
