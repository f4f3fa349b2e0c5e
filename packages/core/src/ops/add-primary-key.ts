import type { z } from 'zod';
import { requireDialect, type ServerInfo } from '../dialects/server.js';
import { freezePlan, type Plan } from '../plan.js';
import { addUniqueInput } from '../validate/ops.js';
import { parseArgs } from '../validate/parse.js';
import { dropConstraintStep } from './add-check.js';
import { constraintUsingIndexSteps } from './add-unique.js';
import { notNullSteps } from './set-not-null.js';
import { defaultName, displayName, ownerOf, requireIdentifiers } from './shared.js';

/** Checked at run time by `addUniqueInput` (validate/ops.ts). */
export type AddPrimaryKeyInput = z.input<typeof addUniqueInput>;

/**
 * PRIMARY KEY USING INDEX would SET NOT NULL on nullable key columns, scanning the table under
 * ACCESS EXCLUSIVE. So each column first gets the set-not-null sequence (its steps are
 * `already-done` for columns that are NOT NULL already), then the unique index is built
 * CONCURRENTLY and attached.
 */
export function planAddPrimaryKey(args: AddPrimaryKeyInput, server: ServerInfo): Plan {
  requireDialect(server, 'postgres', 'planAddPrimaryKey');
  const input = parseArgs(addUniqueInput, args, 'planAddPrimaryKey input');
  requireIdentifiers(displayName(input), 'column', input.columns);
  const name = input.name ?? defaultName([input.table], 'pkey');
  const id = `add-primary-key:${displayName(input)}.${name}`;
  return freezePlan({
    operation: 'add-primary-key',
    requires: ownerOf(input, true),
    target: `${displayName(input)}(${input.columns.join(', ')})`,
    steps: [
      ...input.columns.flatMap((column) =>
        notNullSteps({ table: input.table, schema: input.schema, column }, server, `${id}:${column}`),
      ),
      ...constraintUsingIndexSteps(input, 'PRIMARY KEY', name, server, id),
    ],
    reverse: [dropConstraintStep(input, name, id)],
    notes: server.capabilities.notNullFromValidCheck
      ? []
      : ['PostgreSQL < 12: attaching the primary key re-checks NOT NULL with a scan under ACCESS EXCLUSIVE.'],
  });
}
