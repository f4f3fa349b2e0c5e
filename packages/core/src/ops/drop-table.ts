import { relationMissing, type TableRef, tableExists } from '../dialects/pg-catalog.js';
import type { ServerInfo } from '../dialects/server.js';
import { freezePlan, type Plan } from '../plan.js';
import { DROPPED_PREFIX, droppedStamp, requireConfirmUnused, setAsideSteps } from './drop-guard.js';
import { displayName, qi, qtable, truncateBytes } from './shared.js';

export interface DropTableInput extends TableRef {
  /** Required: the application no longer uses the table. */
  readonly confirmUnused: true;
  /** Time in the set-aside name; default now. Pass it to plan the same names twice. */
  readonly droppedAt?: Date;
}

/** `ballast_dropped_<table>_<UTC stamp>`, cut to 63 bytes keeping the stamp. */
export function droppedTableName(table: string, at: Date): string {
  const stamp = droppedStamp(at);
  return `${truncateBytes(`${DROPPED_PREFIX}${table}`, 63 - stamp.length - 1)}_${stamp}`;
}

/** Drops a table by renaming it aside (catalog-only); reverse renames it back. */
export function planDropTable(input: DropTableInput, _server: ServerInfo): Plan {
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
    target,
    steps: [setAside],
    reverse: [restore],
    notes: [
      `${target} is renamed to ${aside}, not dropped: purge it with DROP TABLE once you are sure.`,
      'Foreign keys that reference it keep pointing at the renamed table.',
    ],
  });
}
