import { defineRule, pgColumnTypes, report } from '../define.js';
import { typeBase } from '../pg-ast.js';

/** squawk prefer-jsonb (strong_migrations "adding a json column"). */
export default defineRule({
  id: 'prefer-jsonb-over-json',
  severity: 'warning',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'json has no equality operator and no index support; jsonb has both.',
  check: (_ctx, s) =>
    pgColumnTypes(s)
      .filter((c) => typeBase(c.type) === 'json')
      .map((c) => report('prefer-jsonb-over-json', { table: c.table, column: c.column })),
});
