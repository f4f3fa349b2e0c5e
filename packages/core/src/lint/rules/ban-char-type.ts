import { defineRule, pgColumnTypes, report } from '../define.js';
import { typeBase, typeText } from '../pg-ast.js';

/** squawk ban-char-field. */
export default defineRule({
  id: 'ban-char-type',
  severity: 'warning',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'char(n) pads with spaces and is never faster than text.',
  check: (_ctx, s) =>
    pgColumnTypes(s)
      .filter((c) => typeBase(c.type) === 'bpchar')
      .map((c) => report('ban-char-type', { table: c.table, column: c.column, type: typeText(c.type) })),
});
