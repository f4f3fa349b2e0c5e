import type { z } from 'zod';
import { requireDialect, type ServerInfo } from '../dialects/server.js';
import { planExpand } from '../expand/plan-expand.js';
import type { Plan } from '../plan.js';
import { changeColumnTypeInput } from '../validate/ops.js';
import { parseArgs } from '../validate/parse.js';
import { displayName, fitName, qi, requireFragment } from './shared.js';

/** Checked at run time by `changeColumnTypeInput` (validate/ops.ts), from which this type comes. */
export type ChangeColumnTypeInput = z.input<typeof changeColumnTypeInput>;

/** What a caller asks for (the runner supplies the facts and the migration name). */
export type ChangeColumnTypeRequest = Omit<ChangeColumnTypeInput, 'facts' | 'migration'>;

/** `<column>_new`; for long names cut with a hash (a plain cut of a 63-byte name is the name itself). */
export const defaultNewColumn = (column: string) => fitName(column, '_new');

/**
 * Type change without an ACCESS EXCLUSIVE table rewrite (expand phase): a new column of the new
 * type, kept equal to the old one in both directions by a trigger (converted with `using` /
 * `reverseUsing`), backfilled in batches, indexes / foreign keys / NOT NULL rebuilt online.
 * Values the new type accepts but the old one cannot hold (a bigint above 2^31) fail the writer
 * while expanded: the old application version could not read them.
 */
export function planChangeColumnType(args: ChangeColumnTypeInput, server: ServerInfo): Plan {
  requireDialect(server, 'postgres', 'planChangeColumnType');
  const input = parseArgs(changeColumnTypeInput, args, 'planChangeColumnType input');
  const where = `change type of ${displayName(input)}.${input.column}`;
  const newColumn = input.newColumn ?? defaultNewColumn(input.column);
  const newType = requireFragment(where, 'type', input.newType);
  return planExpand(
    {
      kind: 'change-column-type',
      table: input.table,
      schema: input.schema,
      column: input.column,
      newColumn,
      newType,
      forward: requireFragment(where, 'using expression', input.using ?? `${qi(input.column)}::${newType}`),
      backward: requireFragment(
        where,
        'reverse expression',
        input.reverseUsing ?? `${qi(newColumn)}::${input.facts.type}`,
      ),
      facts: input.facts,
      migration: input.migration,
    },
    server,
  );
}
