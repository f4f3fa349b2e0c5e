import { defineRule, pgColumnTypes, report } from '../define.js';
import { typeBase, typeText } from '../pg-ast.js';

const SMALL = new Set(['int2', 'int4', 'serial', 'serial4', 'smallserial', 'serial2']);

/** squawk prefer-bigint-over-int / prefer-bigint-over-smallint. */
export default defineRule({
  id: 'prefer-bigint-over-int',
  severity: 'info',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'integer ids and counters run out at 2^31; widening later rewrites the table.',
  check: (_ctx, s) =>
    pgColumnTypes(s)
      .filter((c) => SMALL.has(typeBase(c.type)))
      .map((c) =>
        report('prefer-bigint-over-int', { table: c.table, column: c.column, type: typeText(c.type) }),
      ),
});
