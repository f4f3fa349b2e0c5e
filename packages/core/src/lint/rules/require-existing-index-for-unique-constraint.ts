import { defineRule, ident, pgAddedConstraints, report } from '../define.js';

/** strong_migrations "adding a unique constraint"; squawk disallowed-unique-constraint. */
export default defineRule({
  id: 'require-existing-index-for-unique-constraint',
  severity: 'error',
  fix: 'planned',
  dialects: ['postgres'],
  docs: 'ADD UNIQUE builds its index under an ACCESS EXCLUSIVE lock unless it reuses one built concurrently.',
  check: (ctx, s) =>
    pgAddedConstraints(ctx, s, 'CONSTR_UNIQUE')
      .filter(({ con }) => !con.indexname)
      .map(({ alter, con, columns }) =>
        report('require-existing-index-for-unique-constraint', {
          table: alter.table,
          constraint: ident(
            'postgres',
            con.conname ?? `${alter.raw.split('.').pop()}_${columns.join('_')}_key`,
          ),
          columns: columns.map((c) => ident('postgres', c)).join(', '),
        }),
      ),
});
