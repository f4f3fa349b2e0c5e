import { defineRule, ident, pgAddedConstraints, report } from '../define.js';
import { relationName } from '../pg-ast.js';
import { clauseText } from '../source.js';

/** strong_migrations "adding a foreign key"; squawk adding-foreign-key-constraint. */
export default defineRule({
  id: 'require-not-valid-foreign-key',
  severity: 'error',
  fix: 'planned',
  dialects: ['postgres'],
  docs: 'A validated foreign key scans the table while blocking writes on both tables.',
  check: (ctx, s) =>
    pgAddedConstraints(ctx, s, 'CONSTR_FOREIGN')
      .filter(({ con }) => !con.skip_validation)
      .map(({ alter, con }) =>
        report('require-not-valid-foreign-key', {
          table: alter.table,
          constraint: ident('postgres', con.conname ?? `${alter.raw.split('.').pop()}_fkey`),
          refTable: ident('postgres', relationName(con.pktable)),
          definition: clauseText(s.sql, /\bforeign\s+key\b/i) ?? 'FOREIGN KEY (...) REFERENCES ...',
        }),
      ),
});
