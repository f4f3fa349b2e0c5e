import {
  type AlterClauseKind,
  checksEnforced,
  type MysqlCapabilities,
  mysqlCapabilities,
  onlineAlgorithm,
} from '../../dialects/mysql/capabilities.js';
import { defineRule, type MysqlAst, mysqlAlter, mysqlOption, mysqlTable, report } from '../define.js';
import { alterClauseKind } from '../mysql-online.js';
import type { RuleReport } from '../types.js';

type Reason = { what: string; alternative: string };

/** What to say for the clause kinds that can have no online form (whether they do: the facts). */
const ADVICE: Partial<Record<AlterClauseKind, (e: MysqlAst) => Reason>> = {
  'fulltext-or-spatial-index': (e) => ({
    what: `ADD ${String(e.keyword ?? e.index_type ?? 'fulltext index').toUpperCase()}`,
    alternative: 'build it on a copy with an online schema change tool.',
  }),
  'add-stored-generated-column': () => ({
    what: 'ADD a STORED generated column',
    alternative: 'add it VIRTUAL (ALGORITHM=INSTANT) and index it if needed.',
  }),
  'add-check': () => ({
    what: 'ADD a CHECK constraint',
    alternative:
      'enforce the rule in the application or a trigger first, and add the CHECK with an online schema change tool.',
  }),
  'add-auto-increment-column': () => ({
    what: 'ADD an AUTO_INCREMENT column',
    alternative: 'add a nullable column, backfill it in batches.',
  }),
};

/** What in a MySQL/MariaDB ALTER forces ALGORITHM=COPY or a rebuild that blocks writes. */
function copyReasons(expr: readonly MysqlAst[], caps: MysqlCapabilities): Reason[] {
  const out: Reason[] = [];
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
    const kind = alterClauseKind(e);
    // A CHECK the server does not enforce (MySQL before 8.0.16) is parsed and ignored: no copy.
    if (kind === 'add-check' && !checksEnforced(caps)) continue;
    // Which clauses have no online form on this server: the facts table (dialects/mysql/capabilities.ts).
    if (kind && kind in ADVICE && !onlineAlgorithm(caps, [kind])) out.push(ADVICE[kind]!(e));
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
    const caps = mysqlCapabilities(ctx.options.mysql.flavor, ctx.options.mysql.version);
    // CREATE FULLTEXT/SPATIAL INDEX: the same fact as ALTER TABLE ... ADD FULLTEXT INDEX.
    const index =
      s.dialect === 'mysql' && s.ast?.type === 'create' && s.ast.keyword === 'index' ? s.ast : undefined;
    if (index) {
      if (ctx.isNewTable(String(index.table?.table ?? ''))) return undefined;
      // An explicit ALGORITHM=COPY copies the table whatever the index could do online.
      if (String(index.algorithm_option?.algorithm ?? '').toUpperCase() === 'COPY')
        return report('require-online-alter-algorithm', {
          table: mysqlTable(index.table),
          what: 'CREATE INDEX … ALGORITHM=COPY',
          alternative: 'ask for ALGORITHM=INPLACE LOCK=NONE (or leave it out).',
        });
      const kind = /fulltext|spatial/i.test(index.index_type ?? '') ? 'fulltext-or-spatial-index' : undefined;
      if (!kind || ctx.isNewTable(String(index.table?.table ?? '')) || onlineAlgorithm(caps, [kind]))
        return undefined;
      const reason = ADVICE[kind]!({ keyword: `${index.index_type} index` });
      return report('require-online-alter-algorithm', { table: mysqlTable(index.table), ...reason });
    }
    const alter = mysqlAlter(s);
    if (!alter || ctx.isNewTable(alter.raw)) return undefined;
    return copyReasons(alter.expr, caps).map(
      (r): RuleReport => report('require-online-alter-algorithm', { table: alter.table, ...r }),
    );
  },
});
