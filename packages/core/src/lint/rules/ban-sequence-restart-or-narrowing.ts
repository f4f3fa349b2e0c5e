import type { DefElem } from 'libpg-query';
import { defineRule, ident, pgAlterTable, report } from '../define.js';
import { nodeOf, nodesOf, relationName, typeBase } from '../pg-ast.js';
import type { RuleReport } from '../types.js';

const NARROW = new Set(['int2', 'int4', 'smallint', 'integer', 'int']);

/** What an ALTER SEQUENCE (or identity) option does to the inserts of running code, if harmful. */
function harm(option: DefElem): string | undefined {
  switch (option.defname) {
    case 'restart':
      return 'RESTART hands out values again that rows already use: inserts fail with duplicate keys (or, without a unique key, duplicate silently)';
    case 'as':
      return NARROW.has(typeBase(nodeOf(option.arg, 'TypeName')))
        ? `AS ${typeBase(nodeOf(option.arg, 'TypeName'))} lowers the largest value: once the sequence reaches it, every insert fails`
        : undefined;
    case 'maxvalue':
      return option.arg ? 'a lower MAXVALUE makes every insert fail once the sequence reaches it' : undefined;
    case 'cycle':
      return nodeOf(option.arg, 'Boolean')?.boolval
        ? 'CYCLE starts again from MINVALUE at the end: values repeat and inserts hit duplicate keys'
        : undefined;
    default:
      return undefined;
  }
}

/**
 * ALTER SEQUENCE (and ALTER TABLE … ALTER COLUMN … RESTART / SET for identity columns) options
 * that make running inserts fail or repeat ids. The lock is brief; the surprise is the values.
 */
export default defineRule({
  id: 'ban-sequence-restart-or-narrowing',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'ALTER SEQUENCE RESTART / AS smaller type / MAXVALUE / CYCLE make running inserts repeat ids or fail.',
  check(ctx, s) {
    if (s.dialect !== 'postgres') return undefined;
    const seq = nodeOf(s.node, 'AlterSeqStmt');
    const found: Array<{ name: string; raw: string; options: DefElem[] }> = [];
    if (seq) {
      const raw = relationName(seq.sequence);
      found.push({
        name: `sequence ${ident('postgres', raw)}`,
        raw,
        options: nodesOf(seq.options, 'DefElem'),
      });
    }
    const alter = pgAlterTable(s);
    for (const cmd of alter?.cmds ?? []) {
      if (cmd.subtype !== 'AT_SetIdentity') continue;
      const options = nodesOf(nodeOf(cmd.def, 'List')?.items, 'DefElem');
      found.push({
        name: `identity ${alter!.table}.${ident('postgres', cmd.name ?? '?')}`,
        raw: alter!.raw,
        options,
      });
    }
    return found.flatMap(({ name, raw, options }): RuleReport[] => {
      if (ctx.isNewTable(raw)) return [];
      const harms = options.flatMap((o) => harm(o) ?? []);
      return harms.length
        ? [report('ban-sequence-restart-or-narrowing', { name, harms: harms.join('; ') })]
        : [];
    });
  },
});
