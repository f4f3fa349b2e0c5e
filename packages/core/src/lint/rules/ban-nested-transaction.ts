import { defineRule, report } from '../define.js';
import { nodeOf } from '../pg-ast.js';

/** squawk transaction-nesting. */
export default defineRule({
  id: 'ban-nested-transaction',
  severity: 'warning',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'BEGIN/COMMIT inside a file the migration tool already wraps in a transaction.',
  check(ctx, s) {
    const tx = s.dialect === 'postgres' ? nodeOf(s.node, 'TransactionStmt') : undefined;
    // Only while the tool's transaction is open: after a COMMIT ended it, BEGIN … COMMIT is a real one.
    if (!tx || !ctx.runnerTransaction) return undefined;
    if (tx.kind === 'TRANS_STMT_BEGIN' || tx.kind === 'TRANS_STMT_START') {
      return report('ban-nested-transaction', {
        what: 'BEGIN',
        runner: 'the migration tool',
        why: 'only warns and does nothing; the COMMIT that follows ends the outer transaction early',
      });
    }
    if (tx.kind === 'TRANS_STMT_COMMIT' || tx.kind === 'TRANS_STMT_ROLLBACK') {
      return report('ban-nested-transaction', {
        what: tx.kind === 'TRANS_STMT_COMMIT' ? 'COMMIT' : 'ROLLBACK',
        runner: 'the migration tool',
        why: 'ends the outer transaction early: the statements after it run outside any transaction',
      });
    }
    return undefined;
  },
});
