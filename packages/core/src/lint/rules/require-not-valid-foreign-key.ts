import { defineRule, ident, pgAddedConstraints, report } from '../define.js';
import { defaultOf, relationName } from '../pg-ast.js';
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
      // Inline REFERENCES on a new column: its rows are all NULL unless it has a default, and
      // PostgreSQL then checks nothing (no scan, measured): only a default makes it validate.
      .filter(({ con, inline }) => !con.skip_validation && (!inline || defaultOf(inline) !== undefined))
      .map(({ alter, con, columns, inline }) =>
        report('require-not-valid-foreign-key', {
          table: alter.table,
          constraint: ident(
            'postgres',
            con.conname ?? `${alter.raw.split('.').pop()}${inline ? `_${inline.colname}` : ''}_fkey`,
          ),
          refTable: ident('postgres', relationName(con.pktable)),
          definition:
            (inline
              ? `FOREIGN KEY (${columns.map((c) => ident('postgres', c)).join(', ')}) ${clauseText(s.sql, /\breferences\b/i)}`
              : clauseText(s.sql, /\bforeign\s+key\b/i)) ?? 'FOREIGN KEY (...) REFERENCES ...',
        }),
      ),
});
