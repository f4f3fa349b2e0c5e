import type { z } from 'zod';
import { requireDialect, type ServerInfo } from '../dialects/server.js';
import { UnsafeOperationError } from '../errors.js';
import { planExpand } from '../expand/plan-expand.js';
import type { Plan } from '../plan.js';
import { renameColumnInput } from '../validate/ops.js';
import { parseArgs } from '../validate/parse.js';
import { displayName } from './shared.js';

/** Checked at run time by `renameColumnInput` (validate/ops.ts), from which this type comes. */
export type RenameColumnInput = z.input<typeof renameColumnInput>;

/**
 * Rename without breaking the running application (expand phase): `to` is added with the same
 * type, a trigger keeps both names equal on every write, existing rows are copied in batches,
 * indexes / foreign keys / NOT NULL are rebuilt on `to` online. `planContract` later drops `from`.
 */
export function planRenameColumn(args: RenameColumnInput, server: ServerInfo): Plan {
  requireDialect(server, 'postgres', 'planRenameColumn');
  const input = parseArgs(renameColumnInput, args, 'planRenameColumn input');
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
