import { defineRule, type MysqlAst, mysqlAlter, mysqlOption, report } from '../define.js';
import type { RuleReport } from '../types.js';

/** What in a MySQL/MariaDB ALTER forces ALGORITHM=COPY or a rebuild that blocks writes. */
function copyReasons(expr: readonly MysqlAst[]): Array<{ what: string; alternative: string }> {
  const out: Array<{ what: string; alternative: string }> = [];
  if (mysqlOption(expr, 'algorithm') === 'COPY') {
    out.push({ what: 'ALGORITHM=COPY', alternative: 'ask for ALGORITHM=INPLACE, LOCK=NONE (or INSTANT).' });
  }
  for (const e of expr) {
    if (
      e.action === 'drop' &&
      e.keyword === 'primary key' &&
      !expr.some((x) => x.create_definitions?.constraint_type === 'primary key')
    ) {
      out.push({
        what: 'DROP PRIMARY KEY',
        alternative: 'drop and add the primary key in the same ALTER (INPLACE).',
      });
    }
    if (e.action === 'add' && /fulltext|spatial/i.test(String(e.keyword ?? ''))) {
      out.push({
        what: `ADD ${String(e.keyword).toUpperCase()}`,
        alternative: 'build it on a copy with an online schema change tool.',
      });
    }
    if (e.action === 'add' && e.resource === 'column' && e.generated?.storage_type === 'stored') {
      out.push({
        what: 'ADD a STORED generated column',
        alternative: 'add it VIRTUAL (ALGORITHM=INSTANT) and index it if needed.',
      });
    }
    if (e.action === 'add' && e.resource === 'column' && e.auto_increment) {
      out.push({
        what: 'ADD an AUTO_INCREMENT column',
        alternative: 'add a nullable column, backfill it in batches.',
      });
    }
    if (e.resource === 'engine' && String(e.engine).toUpperCase() !== 'INNODB') {
      out.push({
        what: `ENGINE=${e.engine}`,
        alternative: 'change engines only with an online schema change tool.',
      });
    }
  }
  return out;
}

/** The COPY algorithm blocks writes for the whole table copy (MySQL online DDL matrix). */
export default defineRule({
  id: 'require-online-alter-algorithm',
  severity: 'error',
  fix: 'none',
  dialects: ['mysql'],
  docs: 'MySQL/MariaDB ALTERs that can only run with ALGORITHM=COPY block writes while copying the table.',
  check(ctx, s) {
    const alter = mysqlAlter(s);
    if (!alter || ctx.isNewTable(alter.raw)) return undefined;
    return copyReasons(alter.expr).map(
      (r): RuleReport => report('require-online-alter-algorithm', { table: alter.table, ...r }),
    );
  },
});
