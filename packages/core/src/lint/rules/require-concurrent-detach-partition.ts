import { defineRule, ident, pgAlterTable, report } from '../define.js';
import { nodeOf, relationName } from '../pg-ast.js';

/** DETACH PARTITION … CONCURRENTLY exists from PostgreSQL 14 (no squawk equivalent). */
export default defineRule({
  id: 'require-concurrent-detach-partition',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'DETACH PARTITION without CONCURRENTLY locks the whole partitioned table.',
  check(ctx, s) {
    const alter = pgAlterTable(s);
    if (!alter || ctx.isNewTable(alter.raw)) return undefined;
    return alter.cmds.flatMap((cmd) => {
      const part = cmd.subtype === 'AT_DetachPartition' ? nodeOf(cmd.def, 'PartitionCmd') : undefined;
      if (!part || part.concurrent) return [];
      const partition = ident('postgres', relationName(part.name));
      const help =
        ctx.options.pgVersion >= 14
          ? `Detach it CONCURRENTLY (outside a transaction): it waits for running queries instead of blocking them.\n  ALTER TABLE ${alter.table} DETACH PARTITION ${partition} CONCURRENTLY;`
          : `PostgreSQL ${ctx.options.pgVersion} has no CONCURRENTLY form (14+): run it with a short lock_timeout and retries, at a quiet time.`;
      return [report('require-concurrent-detach-partition', { table: alter.table, partition, help })];
    });
  },
});
