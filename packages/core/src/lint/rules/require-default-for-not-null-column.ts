import { defineRule, ident, pgAddedColumns, report } from '../define.js';
import { defaultOf, hasConstraint, typeText } from '../pg-ast.js';

/** squawk adding-required-field. */
export default defineRule({
  id: 'require-default-for-not-null-column',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'A NOT NULL column without a default cannot be added to a table that has rows.',
  check: (ctx, s) =>
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
        }),
      ),
});
