import type { ColumnDef } from 'libpg-query';
import { defineRule, ident, pgAddedColumns, report } from '../define.js';
import { constraintsOf, typeBase, typeText } from '../pg-ast.js';

const SERIAL: Record<string, string> = {
  serial: 'integer',
  serial4: 'integer',
  bigserial: 'bigint',
  serial8: 'bigint',
  smallserial: 'smallint',
  serial2: 'smallint',
};

function rewritingKind(col: ColumnDef, pgVersion: number): string | undefined {
  if (SERIAL[typeBase(col.typeName)]) return typeText(col.typeName);
  for (const c of constraintsOf(col)) {
    if (c.contype === 'CONSTR_IDENTITY') return 'an identity';
    // PostgreSQL 18 computes VIRTUAL columns (its default kind) on read: catalog only.
    if (c.contype === 'CONSTR_GENERATED' && (c.generated_kind !== 'v' || pgVersion < 18))
      return c.generated_kind === 'v' ? 'a generated (STORED before PostgreSQL 18)' : 'a stored generated';
  }
  return undefined;
}

/** squawk adding-serial-primary-key-field; strong_migrations "adding a stored generated column". */
export default defineRule({
  id: 'ban-adding-column-that-rewrites-table',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'serial, identity and stored generated columns fill every existing row: a table rewrite (PG 18 virtual ones do not).',
  check: (ctx, s) =>
    pgAddedColumns(ctx, s).flatMap(({ alter, col }) => {
      const kind = rewritingKind(col, ctx.options.pgVersion);
      if (!kind) return [];
      return [
        report('ban-adding-column-that-rewrites-table', {
          table: alter.table,
          column: ident('postgres', col.colname ?? '?'),
          kind,
          plainType: SERIAL[typeBase(col.typeName)] ?? typeText(col.typeName),
        }),
      ];
    }),
});
