import { defineRule, ident, pgAddedConstraints, report } from '../define.js';

/** No squawk or strong_migrations equivalent: EXCLUDE has no NOT VALID and no USING INDEX form. */
export default defineRule({
  id: 'ban-adding-exclusion-constraint',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'An exclusion constraint on an existing table builds its index under an ACCESS EXCLUSIVE lock.',
  check: (ctx, s) =>
    pgAddedConstraints(ctx, s, 'CONSTR_EXCLUSION').map(({ alter, con }) =>
      report('ban-adding-exclusion-constraint', {
        table: alter.table,
        constraint: ident('postgres', con.conname ?? `${alter.raw.split('.').pop()}_excl`),
      }),
    ),
});
