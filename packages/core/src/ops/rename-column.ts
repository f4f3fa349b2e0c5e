import type { TableRef } from '../dialects/pg-catalog.js';
import type { ServerInfo } from '../dialects/server.js';
import { UnsafeOperationError } from '../errors.js';
import type { ColumnFacts } from '../expand/facts.js';
import { planExpand } from '../expand/plan-expand.js';
import type { Plan } from '../plan.js';
import { displayName } from './shared.js';

export interface RenameColumnInput extends TableRef {
  readonly from: string;
  readonly to: string;
  /** The old column as the catalog has it (readColumnFacts), so this planner stays pure. */
  readonly facts: ColumnFacts;
  readonly migration?: string | undefined;
}

/**
 * Rename without breaking the running application (expand phase): `to` is added with the same
 * type, a trigger keeps both names equal on every write, existing rows are copied in batches,
 * indexes / foreign keys / NOT NULL are rebuilt on `to` online. `planContract` later drops `from`.
 */
export function planRenameColumn(input: RenameColumnInput, server: ServerInfo): Plan {
  if (input.from === input.to) {
    throw new UnsafeOperationError(
      `rename ${displayName(input)}.${input.from}: the new name is the old one`,
      {
        where: `${displayName(input)}.${input.from}`,
      },
    );
  }
  return planExpand(
    {
      kind: 'rename-column',
      table: input.table,
      schema: input.schema,
      column: input.from,
      newColumn: input.to,
      newType: input.facts.type,
      facts: input.facts,
      migration: input.migration,
    },
    server,
  );
}
