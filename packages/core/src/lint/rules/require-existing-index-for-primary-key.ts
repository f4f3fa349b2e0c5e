import { defineRule, ident, pgAddedConstraints, report } from '../define.js';

/** squawk adding-serial-primary-key-field / strong_migrations "adding a primary key". */
export default defineRule({
  id: 'require-existing-index-for-primary-key',
  severity: 'error',
  fix: 'planned',
  dialects: ['postgres'],
  docs: 'ADD PRIMARY KEY builds its index under an ACCESS EXCLUSIVE lock unless it reuses one built concurrently.',
  check: (ctx, s) =>
    pgAddedConstraints(ctx, s, 'CONSTR_PRIMARY')
      .filter(({ con }) => !con.indexname)
      .map(({ alter, con, columns }) =>
        report('require-existing-index-for-primary-key', {
          table: alter.table,
          constraint: ident('postgres', con.conname ?? `${alter.raw.split('.').pop()}_pkey`),
          columns: columns.map((c) => ident('postgres', c)).join(', '),
        }),
      ),
});
