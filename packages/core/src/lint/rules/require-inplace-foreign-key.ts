import { defineRule, ident, mysqlAlter, report } from '../define.js';
import { clauseText } from '../source.js';

/** MySQL adds foreign keys in place only with foreign_key_checks=0; otherwise it copies the table. */
export default defineRule({
  id: 'require-inplace-foreign-key',
  severity: 'error',
  fix: 'none',
  dialects: ['mysql'],
  docs: 'With foreign_key_checks=1, ADD FOREIGN KEY copies the table (ALGORITHM=COPY).',
  check(ctx, s) {
    const alter = mysqlAlter(s);
    if (!alter || ctx.isNewTable(alter.raw) || ctx.foreignKeyChecksOff) return undefined;
    return alter.expr
      .filter((e) => e.action === 'add' && e.create_definitions?.constraint_type === 'FOREIGN KEY')
      .map((e) =>
        report('require-inplace-foreign-key', {
          table: alter.table,
          constraint: ident('mysql', e.create_definitions.constraint ?? `${alter.raw}_ibfk`),
          definition: clauseText(s.sql, /\bforeign\s+key\b/i) ?? 'FOREIGN KEY (...) REFERENCES ...',
        }),
      );
  },
});
