import { defineRule, pgColumnTypes, report } from '../define.js';
import { typeBase, typeMods, typeText } from '../pg-ast.js';

/** squawk prefer-text-field. */
export default defineRule({
  id: 'prefer-text-over-varchar',
  severity: 'info',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'varchar(n) limits are costly to change; text with a CHECK is as fast and easy to change.',
  check: (_ctx, s) =>
    pgColumnTypes(s)
      .filter((c) => typeBase(c.type) === 'varchar' && typeMods(c.type).length > 0)
      .map((c) =>
        report('prefer-text-over-varchar', {
          table: c.table,
          column: c.column,
          type: typeText(c.type),
          length: String(typeMods(c.type)[0]),
        }),
      ),
});
