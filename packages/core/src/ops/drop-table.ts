import type { z } from 'zod';
import { relationMissing, tableExists } from '../dialects/postgres/catalog.js';
import { requireDialect, type ServerInfo } from '../dialects/server.js';
import { freezePlan, type Plan } from '../plan.js';
import { dropTableInput } from '../validate/ops.js';
import { parseArgs } from '../validate/parse.js';
import { DROPPED_PREFIX, droppedStamp, requireConfirmUnused, setAsideSteps } from './drop-guard.js';
import { displayName, fitName, MAX_IDENT_BYTES, ownerOf, qi, qtable, truncateBytes } from './shared.js';

/** Checked at run time by `dropTableInput` (validate/ops.ts), from which this type comes. */
export type DropTableInput = z.input<typeof dropTableInput> & { readonly confirmUnused: true };

/** `ballast_dropped_<table>_<UTC stamp>`, cut to 63 bytes (with a hash) keeping the stamp. */
export function droppedTableName(table: string, at: Date): string {
  const stamp = droppedStamp(at);
  return fitName(`${DROPPED_PREFIX}${table}`, `_${stamp}`);
}

/** The name versions before the hash cut used: restored too, when it differs. */
function legacyDroppedTableName(table: string, at: Date): string {
  const stamp = droppedStamp(at);
  return `${truncateBytes(`${DROPPED_PREFIX}${table}`, MAX_IDENT_BYTES - stamp.length - 1)}_${stamp}`;
}

/** Drops a table by renaming it aside (catalog-only); reverse renames it back. */
export function planDropTable(args: DropTableInput, server: ServerInfo): Plan {
  requireDialect(server, 'postgres', 'planDropTable');
  const input = parseArgs(dropTableInput, args, 'planDropTable input');
  const target = displayName(input);
  requireConfirmUnused('drop table', target, input.confirmUnused);
  const id = `drop-table:${target}`;
  const at = input.droppedAt ?? new Date();
  const aside = droppedTableName(input.table, at);
  const legacy = legacyDroppedTableName(input.table, at);
  const renameBack = (from: string) =>
    `ALTER TABLE ${qtable({ table: from, schema: input.schema })} RENAME TO ${qi(input.table)}`;
  const { setAside, restore } = setAsideSteps({
    id,
    target,
    original: input.table,
    aside,
    setAside: {
      sql: `ALTER TABLE ${qtable(input)} RENAME TO ${qi(aside)}`,
      done: relationMissing(input),
      relation: input,
    },
    restore: {
      sql: renameBack(aside),
      done: tableExists(input),
      relation: { table: aside, schema: input.schema },
      asideMissing: relationMissing({ table: aside, schema: input.schema }),
    },
    legacy:
      legacy === aside
        ? undefined
        : { aside: legacy, sql: renameBack(legacy), relation: { table: legacy, schema: input.schema } },
  });
  return freezePlan({
    operation: 'drop-table',
    requires: ownerOf(input),
    target,
    steps: [setAside],
    reverse: restore,
    notes: [
      `${target} is renamed to ${aside}, not dropped: purge it with DROP TABLE once you are sure.`,
      'Foreign keys that reference it keep pointing at the renamed table.',
    ],
  });
}
