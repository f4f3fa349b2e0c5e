import type { ServerInfo } from '../dialects/server.js';
import type { TableRef } from '../dialects/table-ref.js';
import { validatedConstraintSteps } from '../ops/add-check.js';
import { foreignKeyDefinition } from '../ops/add-foreign-key.js';
import { createIndexConcurrentlyStep } from '../ops/concurrent-index.js';
import { defaultName } from '../ops/shared.js';
import type { Step } from '../plan.js';
import type { ColumnFacts } from './facts.js';

/**
 * The indexes (built CONCURRENTLY) and foreign keys (NOT VALID, then VALIDATE) that `from` has,
 * rebuilt for `to`: used by expand (old → new) and by undoing a contract (new → old).
 */
export function copyConstraintSteps(
  ref: TableRef & { readonly table: string },
  facts: Pick<ColumnFacts, 'indexes' | 'foreignKeys'>,
  from: string,
  to: string,
  server: ServerInfo,
  id: string,
): Step[] {
  const indexes = facts.indexes.map((index) => {
    const columns = index.columns.map((c) => (c === from ? to : c));
    const name = defaultName([ref.table, ...columns], index.unique ? 'key' : 'idx');
    return createIndexConcurrentlyStep(
      { ...ref, columns, name, unique: index.unique, method: index.method },
      server,
      `${id}:index:${name}`,
    );
  });
  const foreignKeys = facts.foreignKeys.flatMap((fk) => {
    const name = defaultName([ref.table, to], 'fkey');
    const { definition, expects } = foreignKeyDefinition(ref, name, [to], fk.references, fk);
    return validatedConstraintSteps(
      ref,
      name,
      definition,
      `${id}:fk:${name}`,
      'SHARE ROW EXCLUSIVE',
      expects,
      [{ table: fk.references.table, schema: fk.references.schema }],
    );
  });
  return [...indexes, ...foreignKeys];
}
