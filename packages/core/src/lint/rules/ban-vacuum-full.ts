import { defineRule, ident, report } from '../define.js';
import { nodeOf, nodesOf, relationName } from '../pg-ast.js';

/** squawk has no rule for it; strong_migrations neither: it is the classic maintenance outage. */
export default defineRule({
  id: 'ban-vacuum-full',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'VACUUM FULL rewrites tables under an ACCESS EXCLUSIVE lock.',
  check(_ctx, s) {
    const vacuum = s.dialect === 'postgres' ? nodeOf(s.node, 'VacuumStmt') : undefined;
    if (!vacuum?.is_vacuumcmd || !nodesOf(vacuum.options, 'DefElem').some((d) => d.defname === 'full'))
      return undefined;
    const tables = nodesOf(vacuum.rels, 'VacuumRelation').map((r) =>
      ident('postgres', relationName(r.relation)),
    );
    return report('ban-vacuum-full', { on: tables.length ? ` on ${tables.join(', ')}` : ' on every table' });
  },
});
