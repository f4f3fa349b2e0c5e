import type { z } from 'zod';
import { relationMissing, tableExists } from '../dialects/pg-catalog.js';
import type { ServerInfo } from '../dialects/server.js';
import { freezePlan, type Plan } from '../plan.js';
import { dropTableInput } from '../validate/ops.js';
import { parseArgs } from '../validate/parse.js';
import { DROPPED_PREFIX, droppedStamp, requireConfirmUnused, setAsideSteps } from './drop-guard.js';
import { displayName, fitName, ownerOf, qi, qtable } from './shared.js';

/** Checked at run time by `dropTableInput` (validate/ops.ts), from which this type comes. */
export type DropTableInput = z.input<typeof dropTableInput> & { readonly confirmUnused: true };

/** `ballast_dropped_<table>_<UTC stamp>`, cut to 63 bytes (with a hash) keeping the stamp. */
export function droppedTableName(table: string, at: Date): string {
  const stamp = droppedStamp(at);
  return fitName(`${DROPPED_PREFIX}${table}`, `_${stamp}`);
}

/** Drops a table by renaming it aside (catalog-only); reverse renames it back. */
export function planDropTable(args: DropTableInput, _server: ServerInfo): Plan {
  const input = parseArgs(dropTableInput, args, 'planDropTable input');
  const target = displayName(input);
  requireConfirmUnused('drop table', target, input.confirmUnused);
  const id = `drop-table:${target}`;
  const aside = droppedTableName(input.table, input.droppedAt ?? new Date());
  const asideRef = { table: aside, schema: input.schema };
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
      sql: `ALTER TABLE ${qtable(asideRef)} RENAME TO ${qi(input.table)}`,
      done: tableExists(input),
      relation: asideRef,
    },
  });
  return freezePlan({
    operation: 'drop-table',
    requires: ownerOf(input),
    target,
    steps: [setAside],
    reverse: [restore],
    notes: [
      `${target} is renamed to ${aside}, not dropped: purge it with DROP TABLE once you are sure.`,
      'Foreign keys that reference it keep pointing at the renamed table.',
    ],
  });
}
