import { quoteLiteral } from '../../dialects/quote.js';
import { defineRule, ident, report } from '../define.js';
import { nodeOf, stringsOf } from '../pg-ast.js';

/** squawk adding-enum-value-in-transaction (version aware: allowed in a transaction since PG 12). */
export default defineRule({
  id: 'ban-enum-value-addition-in-transaction',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'Before PostgreSQL 12, ALTER TYPE ... ADD VALUE cannot run inside a transaction block.',
  check(ctx, s) {
    const alter = s.dialect === 'postgres' ? nodeOf(s.node, 'AlterEnumStmt') : undefined;
    if (!alter?.newVal || alter.oldVal) return undefined;
    const type = stringsOf(alter.typeName).join('.');
    // An enum created earlier in the same transaction may be extended on any version.
    if (!ctx.inTransaction || ctx.options.pgVersion >= 12 || ctx.enumsTouched.has(type)) return undefined;
    return report('ban-enum-value-addition-in-transaction', {
      type: ident('postgres', type),
      why: `cannot run inside a transaction block on PostgreSQL ${ctx.options.pgVersion} (allowed from 12)`,
      fix: `Run it on its own, outside the transaction (Prisma: a migration of its own; Knex: config.transaction = false):\n  ALTER TYPE ${ident('postgres', type)} ADD VALUE IF NOT EXISTS ${quoteLiteral('postgres', alter.newVal)};`,
    });
  },
});
