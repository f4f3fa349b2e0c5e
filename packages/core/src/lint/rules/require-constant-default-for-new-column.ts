import { defineRule, ident, pgAddedColumns, report } from '../define.js';
import { defaultOf, typeText, volatileFunctions } from '../pg-ast.js';

/** strong_migrations "add column with volatile default"; squawk adding-field-with-default. */
export default defineRule({
  id: 'require-constant-default-for-new-column',
  severity: 'error',
  fix: 'planned',
  dialects: ['postgres'],
  docs: 'A volatile default (or any default before PostgreSQL 11) on a new column rewrites the table.',
  check(ctx, s) {
    const old = ctx.options.pgVersion < 11;
    return pgAddedColumns(ctx, s).flatMap(({ alter, col }) => {
      const def = defaultOf(col);
      const volatile = def ? volatileFunctions(def) : [];
      if (!def || (!old && volatile.length === 0)) return [];
      return [
        report('require-constant-default-for-new-column', {
          table: alter.table,
          column: ident('postgres', col.colname ?? '?'),
          type: typeText(col.typeName),
          default: volatile.length ? `${volatile[0]}()` : 'this value',
          why: old
            ? ` (PostgreSQL ${ctx.options.pgVersion} stores every default in each row; 11+ does not for constants)`
            : `: ${volatile.join(', ')}() is evaluated once per row`,
        }),
      ];
    });
  },
});
