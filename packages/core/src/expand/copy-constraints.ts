import type { PgServerInfo } from '../dialects/server.js';
import type { TableRef } from '../dialects/table-ref.js';
import { validatedConstraintSteps } from '../ops/add-check.js';
import { foreignKeyDefinition } from '../ops/add-foreign-key.js';
import { constraintUsingIndexSteps } from '../ops/add-unique.js';
import { createIndexConcurrentlyStep } from '../ops/concurrent-index.js';
import { defaultName } from '../ops/shared.js';
import type { Step } from '../plan.js';
import type { ColumnFacts, CopiedForeignKey, CopiedIndex, OriginalObjects } from './facts.js';

/**
 * The indexes (built CONCURRENTLY; a UNIQUE constraint stays a constraint) and foreign keys (NOT
 * VALID, then VALIDATE) that `from` has, rebuilt for `to`: used by expand (old → new) and by
 * undoing a contract (new → old). When `to` had objects of its own before (`original`), each
 * rebuilt object that matches one of them takes its name back, so a rollback restores the schema
 * exactly rather than an equivalent one under default names.
 */
export function copyConstraintSteps(
  ref: TableRef & { readonly table: string },
  facts: Pick<ColumnFacts, 'indexes' | 'foreignKeys'>,
  from: string,
  to: string,
  server: PgServerInfo,
  id: string,
  original?: OriginalObjects | null,
): Step[] {
  const indexes = facts.indexes.flatMap((index) => {
    const columns = index.columns.map((c) => (c === from ? to : c));
    const was = original?.indexes.find((o) => sameIndex(o, { ...index, columns }));
    const constraint = was?.constraint ?? index.constraint;
    const name = was?.name ?? defaultName([ref.table, ...columns], index.unique ? 'key' : 'idx');
    if (constraint && index.unique)
      return constraintUsingIndexSteps({ ...ref, columns }, 'UNIQUE', name, server, `${id}:unique:${name}`);
    return [
      createIndexConcurrentlyStep(
        { ...ref, columns, name, unique: index.unique, method: index.method },
        server,
        `${id}:index:${name}`,
      ),
    ];
  });
  const foreignKeys = facts.foreignKeys.flatMap((fk) => {
    const name =
      original?.foreignKeys.find((o) => sameForeignKey(o, fk))?.name ?? defaultName([ref.table, to], 'fkey');
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

const sameIndex = (a: CopiedIndex, b: CopiedIndex) =>
  a.unique === b.unique &&
  a.method === b.method &&
  a.columns.length === b.columns.length &&
  a.columns.every((c, i) => c === b.columns[i]);

const sameForeignKey = (a: CopiedForeignKey, b: CopiedForeignKey) =>
  a.references.schema === b.references.schema &&
  a.references.table === b.references.table &&
  a.references.columns.join('\0') === b.references.columns.join('\0') &&
  a.onDelete === b.onDelete &&
  a.onUpdate === b.onUpdate;
