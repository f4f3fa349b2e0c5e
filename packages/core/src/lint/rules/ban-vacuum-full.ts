import type { Node } from 'libpg-query';
import { defineRule, ident, report } from '../define.js';
import { nodeOf, nodesOf, relationName } from '../pg-ast.js';

/** A boolean option's value as PostgreSQL reads it (no value means true). */
function optionOn(arg: Node | undefined): boolean {
  if (!arg) return true;
  const text = String(
    nodeOf(arg, 'String')?.sval ?? nodeOf(arg, 'Integer')?.ival ?? nodeOf(arg, 'Boolean')?.boolval ?? '',
  ).toLowerCase();
  return !['false', 'off', '0', 'no', ''].includes(text);
}

/** squawk has no rule for it; strong_migrations neither: it is the classic maintenance outage. */
export default defineRule({
  id: 'ban-vacuum-full',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'VACUUM FULL rewrites tables under an ACCESS EXCLUSIVE lock.',
  check(_ctx, s) {
    const vacuum = s.dialect === 'postgres' ? nodeOf(s.node, 'VacuumStmt') : undefined;
    // `VACUUM (FULL false)` / `(FULL off)` / `(FULL 0)` is a plain VACUUM.
    const full = nodesOf(vacuum?.options, 'DefElem').find((d) => d.defname === 'full');
    if (!vacuum?.is_vacuumcmd || !full || !optionOn(full.arg)) return undefined;
    const tables = nodesOf(vacuum.rels, 'VacuumRelation').map((r) =>
      ident('postgres', relationName(r.relation)),
    );
    return report('ban-vacuum-full', { on: tables.length ? ` on ${tables.join(', ')}` : ' on every table' });
  },
});
