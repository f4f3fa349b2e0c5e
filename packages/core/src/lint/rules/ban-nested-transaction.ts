import { defineRule, report } from '../define.js';
import { nodeOf } from '../pg-ast.js';

/** squawk transaction-nesting. */
export default defineRule({
  id: 'ban-nested-transaction',
  severity: 'warning',
  fix: 'none',
  dialects: ['postgres'],
  docs: "BEGIN inside an open transaction (the tool's or the file's own), or COMMIT inside the tool's.",
  check(ctx, s) {
    const tx = s.dialect === 'postgres' ? nodeOf(s.node, 'TransactionStmt') : undefined;
    if (!tx) return undefined;
    const begin = tx.kind === 'TRANS_STMT_BEGIN' || tx.kind === 'TRANS_STMT_START';
    // A BEGIN inside the file's own open BEGIN nests just the same.
    if (begin && ctx.explicitTransaction && !ctx.runnerTransaction) {
      return report('ban-nested-transaction', {
        what: 'BEGIN',
        runner: "the file's own earlier BEGIN",
        why: 'only warns and does nothing; the first COMMIT that follows ends the outer transaction early',
        remedy: 'Remove the inner BEGIN (and its COMMIT), or COMMIT the first transaction before it.',
      });
    }
    // Only while the tool's transaction is open: after a COMMIT ended it, BEGIN … COMMIT is a real one.
    if (!ctx.runnerTransaction) return undefined;
    if (begin) {
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
