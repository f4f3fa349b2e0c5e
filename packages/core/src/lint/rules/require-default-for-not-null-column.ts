import { defineRule, ident, mysqlAlter, pgAddedColumns, report } from '../define.js';
import { defaultOf, hasConstraint, typeText } from '../pg-ast.js';
import type { LintContext, RuleReport, Statement } from '../types.js';

function postgres(ctx: LintContext, s: Statement): RuleReport[] {
  return (
    pgAddedColumns(ctx, s)
      .filter(({ col }) => !defaultOf(col) && hasConstraint(col, 'CONSTR_NOTNULL'))
      // Identity, generated and serial columns compute their own value.
      .filter(({ col }) => !hasConstraint(col, 'CONSTR_IDENTITY') && !hasConstraint(col, 'CONSTR_GENERATED'))
      .filter(({ col }) => !/serial$/.test(typeText(col.typeName)))
      .map(({ alter, col }) =>
        report('require-default-for-not-null-column', {
          table: alter.table,
          column: ident('postgres', col.colname ?? '?'),
          type: typeText(col.typeName),
          consequence: 'fails as soon as the table has rows, and blocks it while it tries',
        }),
      )
  );
}

/**
 * MySQL/MariaDB add the column, giving old rows the type's implicit default; but in strict mode
 * (the default) every INSERT that does not name the column fails: the running release's do not.
 */
function mysql(ctx: LintContext, s: Statement): RuleReport[] {
  const alter = mysqlAlter(s);
  if (!alter || ctx.isNewTable(alter.raw)) return [];
  return alter.expr
    .filter((e) => e.action === 'add' && e.resource === 'column' && e.nullable?.type === 'not null')
    .filter((e) => !e.default_val && !e.auto_increment && !e.generated)
    .map((e) => {
      const column = ident('mysql', String(e.column?.column?.expr?.value ?? e.column?.column ?? '?'));
      const type = `${e.definition?.dataType ?? ''}${e.definition?.length ? `(${e.definition.length})` : ''}`;
      return report('require-default-for-not-null-column', {
        table: alter.table,
        column,
        type,
        consequence:
          "gives the existing rows the type's implicit default, but every INSERT that does not name it fails (strict mode): the running release's code does not know the column",
        help: `Add it with a default (or nullable), and drop the default only once every writer sets the column:\n  ALTER TABLE ${alter.table} ADD COLUMN ${column} ${type} NOT NULL DEFAULT <value>;`,
      });
    });
}

/** squawk adding-required-field; MySQL/MariaDB: the previous release's INSERTs. */
export default defineRule({
  id: 'require-default-for-not-null-column',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres', 'mysql'],
  docs: 'A NOT NULL column without a default cannot be added to a table that has rows (PostgreSQL), or breaks every INSERT that does not name it (MySQL/MariaDB).',
  check: (ctx, s) => (s.dialect === 'postgres' ? postgres(ctx, s) : mysql(ctx, s)),
});
