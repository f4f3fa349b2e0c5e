import { defineRule, ident, pgAddedConstraints, report } from '../define.js';
import { clauseText } from '../source.js';

/** strong_migrations "adding a check constraint"; squawk constraint-missing-not-valid. */
export default defineRule({
  id: 'require-not-valid-check-constraint',
  severity: 'error',
  fix: 'planned',
  dialects: ['postgres'],
  docs: 'A validated CHECK scans the table under an ACCESS EXCLUSIVE lock.',
  check: (ctx, s) =>
    pgAddedConstraints(ctx, s, 'CONSTR_CHECK')
      .filter(({ con }) => !con.skip_validation)
      .map(({ alter, con, inline }) =>
        report('require-not-valid-check-constraint', {
          table: alter.table,
          constraint: ident(
            'postgres',
            con.conname ?? `${alter.raw.split('.').pop()}${inline ? `_${inline.colname}` : ''}_check`,
          ),
          definition: clauseText(s.sql, /\bcheck\s*\(/i) ?? 'CHECK (...)',
        }),
      ),
});
