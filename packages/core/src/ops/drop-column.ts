import type { z } from 'zod';
import { columnExists, columnMissing, columnNullable } from '../dialects/postgres/catalog.js';
import { requireDialect, type ServerInfo } from '../dialects/server.js';
import { freezePlan, type Plan } from '../plan.js';
import { dropColumnInput } from '../validate/ops.js';
import { parseArgs } from '../validate/parse.js';
import { DROPPED_PREFIX, requireConfirmUnused, setAsideSteps } from './drop-guard.js';
import {
  displayName,
  fitName,
  MAX_IDENT_BYTES,
  ownerOf,
  qi,
  qtable,
  relationsOf,
  sqlStep,
  truncateBytes,
} from './shared.js';

/** Checked at run time by `dropColumnInput` (validate/ops.ts), from which this type comes. */
export type DropColumnInput = z.input<typeof dropColumnInput> & { readonly confirmUnused: true };

/** `ballast_dropped_<column>`, cut to 63 bytes with a hash so long names stay distinct. */
export const droppedColumnName = (column: string) => fitName(`${DROPPED_PREFIX}${column}`);
/** The name versions before the hash cut used: restored too, when it differs. */
const legacyDroppedColumnName = (column: string) =>
  truncateBytes(`${DROPPED_PREFIX}${column}`, MAX_IDENT_BYTES);

/**
 * Drops a column by setting it aside: NOT NULL is relaxed first (inserts from code that no longer
 * knows the column must keep working), then the column is renamed `ballast_dropped_<column>`.
 * Both are catalog-only. Reverse renames it back.
 */
export function planDropColumn(args: DropColumnInput, server: ServerInfo): Plan {
  requireDialect(server, 'postgres', 'planDropColumn');
  const input = parseArgs(dropColumnInput, args, 'planDropColumn input');
  const target = `${displayName(input)}.${input.column}`;
  requireConfirmUnused('drop column', target, input.confirmUnused);
  const id = `drop-column:${target}`;
  const t = qtable(input);
  const aside = droppedColumnName(input.column);
  const legacy = legacyDroppedColumnName(input.column);
  const renameBack = (from: string) => `ALTER TABLE ${t} RENAME COLUMN ${qi(from)} TO ${qi(input.column)}`;
  const { setAside, restore } = setAsideSteps({
    id,
    target,
    original: input.column,
    aside,
    setAside: {
      sql: `ALTER TABLE ${t} RENAME COLUMN ${qi(input.column)} TO ${qi(aside)}`,
      done: columnMissing(input, input.column),
      relation: input,
    },
    restore: {
      sql: renameBack(aside),
      done: columnExists(input, input.column),
      relation: input,
      asideMissing: columnMissing(input, aside),
    },
    legacy: legacy === aside ? undefined : { aside: legacy, sql: renameBack(legacy), relation: input },
  });
  return freezePlan({
    operation: 'drop-column',
    requires: ownerOf(input),
    target,
    steps: [
      sqlStep({
        id: `${id}:relax-not-null`,
        description: `drop NOT NULL on ${target} so inserts that omit it keep working`,
        lock: 'ACCESS EXCLUSIVE',
        relations: relationsOf(input),
        transactional: true,
        timeout: 'ddl',
        sql: `ALTER TABLE ${t} ALTER COLUMN ${qi(input.column)} DROP NOT NULL`,
        done: columnNullable(input, input.column),
      }),
      setAside,
    ],
    reverse: restore,
    notes: [
      `${target} is renamed to ${aside}, not dropped: purge it with \`ALTER TABLE ... DROP COLUMN\` once you are sure.`,
      'The reverse restores the column but not a NOT NULL it had: use planSetNotNull for that.',
    ],
  });
}
