import { defineRule, pgColumnTypes, report } from '../define.js';
import { typeBase } from '../pg-ast.js';

/** squawk prefer-timestamptz. */
export default defineRule({
  id: 'prefer-timestamptz',
  severity: 'info',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'timestamp without time zone changes meaning with the session time zone.',
  check: (_ctx, s) =>
    pgColumnTypes(s)
      .filter((c) => typeBase(c.type) === 'timestamp')
      .map((c) => report('prefer-timestamptz', { table: c.table, column: c.column })),
});
