import type { TableRef } from '../dialects/pg-catalog.js';
import type { ServerInfo } from '../dialects/server.js';
import type { ColumnFacts } from '../expand/facts.js';
import { planExpand } from '../expand/plan-expand.js';
import type { Plan } from '../plan.js';
import { displayName, fitName, qi, requireFragment } from './shared.js';

export interface ChangeColumnTypeInput extends TableRef {
  readonly column: string;
  /** SQL type of the new column, e.g. `bigint`, `numeric(12,2)`. */
  readonly newType: string;
  /** SQL over the column's name converting an old value, e.g. `amount::bigint`. Default `<column>::<newType>`. */
  readonly using?: string | undefined;
  /**
   * SQL over the new column's name converting back, for writes of the new application version
   * to reach the old column. Default `<newColumn>::<old type>`.
   */
  readonly reverseUsing?: string | undefined;
  /** Name of the new column while both exist. Default `<column>_new`. */
  readonly newColumn?: string | undefined;
  readonly facts: ColumnFacts;
  readonly migration?: string | undefined;
}

/** `<column>_new`; for long names cut with a hash (a plain cut of a 63-byte name is the name itself). */
export const defaultNewColumn = (column: string) => fitName(column, '_new');

/**
 * Type change without an ACCESS EXCLUSIVE table rewrite (expand phase): a new column of the new
 * type, kept equal to the old one in both directions by a trigger (converted with `using` /
 * `reverseUsing`), backfilled in batches, indexes / foreign keys / NOT NULL rebuilt online.
 * Values the new type accepts but the old one cannot hold (a bigint above 2^31) fail the writer
 * while expanded: the old application version could not read them.
 */
export function planChangeColumnType(input: ChangeColumnTypeInput, server: ServerInfo): Plan {
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
