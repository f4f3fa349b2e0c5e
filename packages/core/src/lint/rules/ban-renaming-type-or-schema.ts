import { quoteLiteral } from '../../dialects/quote.js';
import { defineRule, ident, report } from '../define.js';
import { nodeOf, stringsOf } from '../pg-ast.js';

const TYPE_KINDS = new Set(['OBJECT_TYPE', 'OBJECT_DOMAIN', 'OBJECT_SCHEMA']);

/**
 * Renames that running code sees: an enum value (its literals in queries and rows the app maps),
 * a type or domain (casts such as `::mood`), a schema (every qualified name). No squawk equivalent.
 */
export default defineRule({
  id: 'ban-renaming-type-or-schema',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'Renaming an enum value, a type, a domain or a schema breaks running code that names it.',
  check(ctx, s) {
    if (s.dialect !== 'postgres') return undefined;
    const value = nodeOf(s.node, 'AlterEnumStmt');
    if (value?.oldVal !== undefined && value.newVal !== undefined) {
      const type = stringsOf(value.typeName).join('.');
      if (ctx.enumsTouched.has(type)) return undefined;
      const old = quoteLiteral('postgres', value.oldVal);
      return report('ban-renaming-type-or-schema', {
        what: `Renaming value ${old} of enum ${ident('postgres', type)}`,
        old,
        help: `Add the new value (ALTER TYPE ${ident('postgres', type)} ADD VALUE ${quoteLiteral('postgres', value.newVal)}), move the code and the rows to it, and stop using ${old}; enum values cannot be dropped, so keep it unused.`,
      });
    }
    const rename = nodeOf(s.node, 'RenameStmt');
    if (!rename?.renameType || !TYPE_KINDS.has(rename.renameType) || !rename.newname) return undefined;
    const kind = rename.renameType.replace('OBJECT_', '').toLowerCase();
    const name =
      rename.renameType === 'OBJECT_SCHEMA'
        ? (rename.subname ?? '?')
        : stringsOf(nodeOf(rename.object, 'List')?.items).join('.');
    const old = ident('postgres', name);
    return report('ban-renaming-type-or-schema', {
      what: `Renaming ${kind} ${old} to ${ident('postgres', rename.newname)}`,
      old,
      help: `Deploy code that no longer names ${old} first, then rename in a later migration with a suppression that says so:\n  -- ballast:ignore ban-renaming-type-or-schema no running code names ${old} since release <n>`,
    });
  },
});
