import { defineRule, pgAlterTable, report } from '../define.js';

/**
 * strong_migrations "adding a foreign key / check constraint" (validate in a separate migration);
 * squawk has no equivalent. The NOT VALID add took ACCESS EXCLUSIVE (CHECK) or SHARE ROW
 * EXCLUSIVE (foreign key, on both tables) and keeps it until the transaction ends, so a VALIDATE in
 * the same transaction scans the table with that lock still held: the recipe gains nothing.
 */
export default defineRule({
  id: 'require-validate-in-separate-transaction',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres'],
  docs: "VALIDATE CONSTRAINT in the transaction of its NOT VALID add scans while the add's lock is still held.",
  check(ctx, s) {
    const alter = pgAlterTable(s);
    if (!alter || ctx.isNewTable(alter.raw)) return undefined;
    return alter.cmds
      .filter((cmd) => cmd.subtype === 'AT_ValidateConstraint' && cmd.name)
      .filter((cmd) => ctx.addedNotValidInThisTransaction(alter.raw, cmd.name!))
      .map((cmd) =>
        report('require-validate-in-separate-transaction', {
          table: alter.table,
          constraint: cmd.name!,
          where: ctx.explicitTransaction ? 'BEGIN … COMMIT block' : "migration tool's transaction",
        }),
      );
  },
});
