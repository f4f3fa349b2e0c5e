import type { TypeName } from 'libpg-query';
import { defineRule, ident, type MysqlAst, mysqlAlter, pgAlterTable, report } from '../define.js';
import { nodeOf, typeBase, typeMods, typeText } from '../pg-ast.js';
import type { LintContext, RuleReport, Statement } from '../types.js';

/**
 * PostgreSQL changes a column's type without a rewrite only when the binary representation is
 * kept: varchar(n) → varchar(m ≥ n) or text, numeric precision increase at the same scale,
 * varchar → text. The old type is unknown to a linter reading one file, so only target types
 * that are binary-compatible with every plausible source are accepted.
 */
function pgSafeTarget(t: TypeName | undefined, ctx: LintContext): boolean {
  const base = typeBase(t);
  // timestamp ↔ timestamptz keep their bits when the session's time zone is UTC (PostgreSQL 12+
  // skips the rewrite then): only when the file itself sets TimeZone to UTC before.
  if ((base === 'timestamptz' || base === 'timestamp') && ctx.options.pgVersion >= 12 && ctx.timeZoneUtc)
    return true;
  if (base === 'text') return true;
  // varchar without a limit, or with one: safe when it widens; the rule cannot know the old
  // limit, so any varchar target is accepted as widening — strong_migrations does the same.
  if (base === 'varchar') return true;
  if (base === 'numeric' || base === 'decimal') return typeMods(t).length <= 2;
  return base === 'citext';
}

function postgres(ctx: LintContext, s: Statement): RuleReport[] {
  const alter = pgAlterTable(s);
  if (!alter || ctx.isNewTable(alter.raw)) return [];
  return alter.cmds
    .filter((c) => c.subtype === 'AT_AlterColumnType')
    .filter((c) => {
      const col = nodeOf(c.def, 'ColumnDef');
      return !pgSafeTarget(col?.typeName, ctx) || col?.raw_default !== undefined;
    })
    .map((c) =>
      report('ban-type-change-that-rewrites-table', {
        table: alter.table,
        column: ident('postgres', c.name ?? '?'),
        type: typeText(nodeOf(c.def, 'ColumnDef')?.typeName),
        indexes: ' and rebuilds its indexes',
        lock: 'an ACCESS EXCLUSIVE lock',
        dialectNote: '',
      }),
    );
}

/** MySQL/MariaDB keep a change in place only for VARCHAR growth within the same length-byte size. */
function mysqlSafe(def: MysqlAst): boolean {
  const type = String(def?.dataType ?? '').toUpperCase();
  return type === 'VARCHAR' && Number(def.length ?? 0) <= 255;
}

function mysql(ctx: LintContext, s: Statement): RuleReport[] {
  const alter = mysqlAlter(s);
  if (!alter || ctx.isNewTable(alter.raw)) return [];
  return alter.expr
    .filter(
      (e) => (e.action === 'modify' || e.action === 'change') && e.definition && !mysqlSafe(e.definition),
    )
    .map((e) =>
      report('ban-type-change-that-rewrites-table', {
        table: alter.table,
        column: ident('mysql', e.column?.column ?? '?'),
        type: `${e.definition.dataType}${e.definition.length ? `(${e.definition.length})` : ''}`,
        indexes: ' (ALGORITHM=COPY)',
        lock: 'a lock that blocks writes',
        dialectNote: '; on MySQL/MariaDB VARCHAR growth that stays within 255 bytes',
      }),
    );
}

/** strong_migrations "changing the type of a column"; squawk changing-column-type. */
export default defineRule({
  id: 'ban-type-change-that-rewrites-table',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres', 'mysql'],
  docs: 'A column type change that is not a widening rewrites the table while blocking it.',
  check: (ctx, s) => (s.dialect === 'postgres' ? postgres(ctx, s) : mysql(ctx, s)),
});
