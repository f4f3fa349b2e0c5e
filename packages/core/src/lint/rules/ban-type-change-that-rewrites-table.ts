import type { TypeName } from 'libpg-query';
import { mysqlCapabilities, onlineAlgorithm } from '../../dialects/mysql/capabilities.js';
import { defineRule, ident, type MysqlAst, mysqlAlter, pgAlterTable, report } from '../define.js';
import { nodeOf, typeBase, typeMods, typeText } from '../pg-ast.js';
import { type ColumnFact, knownColumn, mysqlFact } from '../schema-columns.js';
import type { LintContext, RuleReport, Statement } from '../types.js';

/**
 * PostgreSQL changes a column's type without a rewrite only when the binary representation is
 * kept: varchar(n) → varchar(m ≥ n) or text, numeric precision increase at the same scale,
 * varchar → text. The old type is unknown to a linter reading one file, so only target types
 * that are binary-compatible with every plausible source are accepted.
 */
function pgSafeTarget(t: TypeName | undefined, ctx: LintContext, before: ColumnFact | undefined): boolean {
  const base = typeBase(t);
  // The schema says the old type (--schema): varchar(n) keeps the bits of varchar(m ≤ n) only, text
  // those of varchar and text. text → varchar(n) checks and rewrites every row.
  if (before && (base === 'varchar' || base === 'text')) {
    if (before.base === base && before.mods.join() === typeMods(t).join()) return true;
    if (base === 'text') return before.base === 'varchar' || before.base === 'text';
    const [limit] = typeMods(t);
    const [old] = before.mods;
    return before.base === 'varchar' && (limit === undefined || (old !== undefined && old <= limit));
  }
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
      const before = knownColumn(ctx.options.knownColumns, alter.raw, c.name ?? '');
      return !pgSafeTarget(col?.typeName, ctx, before) || col?.raw_default !== undefined;
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

/**
 * The schema says the column's old type (--schema) and MODIFY/CHANGE keeps it: only NULL ↔ NOT NULL
 * may change, which the facts table (set-not-null) says runs in place without blocking writes.
 */
function mysqlSameType(ctx: LintContext, table: string, e: MysqlAst): boolean {
  const before = knownColumn(ctx.options.knownColumns, table, String(e.column?.column ?? ''));
  if (!before) return false;
  const after = mysqlFact(e);
  if (
    after.base !== before.base ||
    after.mods.join() !== before.mods.join() ||
    after.suffix !== before.suffix
  )
    return false;
  if (after.nullable || !before.nullable) return true;
  const caps = mysqlCapabilities(ctx.options.mysql.flavor, ctx.options.mysql.version);
  return onlineAlgorithm(caps, ['set-not-null']) !== undefined;
}

function mysql(ctx: LintContext, s: Statement): RuleReport[] {
  const alter = mysqlAlter(s);
  if (!alter || ctx.isNewTable(alter.raw)) return [];
  return alter.expr
    .filter(
      (e) =>
        (e.action === 'modify' || e.action === 'change') &&
        e.definition &&
        !mysqlSafe(e.definition) &&
        !mysqlSameType(ctx, alter.raw, e),
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
