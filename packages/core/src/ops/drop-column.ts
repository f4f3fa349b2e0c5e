import type { z } from 'zod';
import { columnExists, columnMissing, columnNullable } from '../dialects/postgres/catalog.js';
import { requireDialect, type ServerInfo } from '../dialects/server.js';
import type { TableRef } from '../dialects/table-ref.js';
import { freezePlan, type Plan, type Step } from '../plan.js';
import { dropColumnInput } from '../validate/ops.js';
import { parseArgs } from '../validate/parse.js';
import { backupStep, DROPPED_PREFIX, requireConfirmUnused, setAsideSteps } from './drop-guard.js';
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

/** One column drop, as the drop planner and the contract phase (expand/contract.ts) both plan it. */
export interface ColumnDrop extends TableRef {
  readonly column: string;
  readonly keep: 'set-aside' | 'copy';
  readonly backup?: { readonly retentionDays?: number | undefined; readonly migration?: string | undefined };
  /** A trigger disabled in the drop's own statement (contract: the sync trigger reads the column). */
  readonly disableTrigger?: string | undefined;
}

/**
 * The steps of dropping one column, for every caller: a `:backup` step first (core/backup
 * records or copies the data), then either
 * - `set-aside`: NOT NULL relaxed (inserts from code that no longer knows the column must keep
 *   working), then the column renamed `ballast_dropped_<column>`; both catalog-only; the reverse
 *   renames it back;
 * - `copy`: the column really dropped (catalog only) once its values are in `ballast_backup`;
 *   no plain reverse: `restoreBackup` puts back values, default, NOT NULL and definition.
 */
export function columnDropSteps(drop: ColumnDrop): {
  readonly steps: readonly Step[];
  readonly reverse: readonly Step[];
  readonly notes: readonly string[];
} {
  const ref: TableRef = { table: drop.table, schema: drop.schema };
  const target = `${displayName(ref)}.${drop.column}`;
  const id = `drop-column:${target}`;
  const t = qtable(ref);
  const aside = droppedColumnName(drop.column);
  const backup = backupStep(
    id,
    target,
    {
      table: drop.table,
      ...(drop.schema ? { schema: drop.schema } : {}),
      column: drop.column,
      keep: drop.keep,
      ...(drop.keep === 'set-aside' ? { aside } : {}),
      ...drop.backup,
    },
    columnMissing(ref, drop.column),
  );
  if (drop.keep === 'copy') {
    const disable = drop.disableTrigger ? `DISABLE TRIGGER ${qi(drop.disableTrigger)}, ` : '';
    return {
      steps: [
        backup,
        sqlStep({
          id: `${id}:drop`,
          description: `drop ${target} (catalog only)${disable ? `, trigger ${drop.disableTrigger} disabled in the same statement` : ''}; its values are in the backup`,
          lock: 'ACCESS EXCLUSIVE',
          relations: relationsOf(ref),
          transactional: true,
          timeout: 'ddl',
          sql: `ALTER TABLE ${t} ${disable}DROP COLUMN IF EXISTS ${qi(drop.column)}`,
          done: columnMissing(ref, drop.column),
        }),
      ],
      reverse: [],
      notes: [
        `${target} is dropped; its values, default, NOT NULL and definition are kept in ballast_backup until purged: restoreBackup puts them back.`,
      ],
    };
  }
  const legacy = legacyDroppedColumnName(drop.column);
  const renameBack = (from: string) => `ALTER TABLE ${t} RENAME COLUMN ${qi(from)} TO ${qi(drop.column)}`;
  const { setAside, restore } = setAsideSteps({
    id,
    target,
    original: drop.column,
    aside,
    setAside: {
      sql: `ALTER TABLE ${t} RENAME COLUMN ${qi(drop.column)} TO ${qi(aside)}`,
      done: columnMissing(ref, drop.column),
      relation: ref,
    },
    restore: {
      sql: renameBack(aside),
      done: columnExists(ref, drop.column),
      relation: ref,
      asideMissing: columnMissing(ref, aside),
    },
    legacy: legacy === aside ? undefined : { aside: legacy, sql: renameBack(legacy), relation: ref },
  });
  return {
    steps: [
      backup,
      sqlStep({
        id: `${id}:relax-not-null`,
        description: `drop NOT NULL on ${target} so inserts that omit it keep working`,
        lock: 'ACCESS EXCLUSIVE',
        relations: relationsOf(ref),
        transactional: true,
        timeout: 'ddl',
        sql: `ALTER TABLE ${t} ALTER COLUMN ${qi(drop.column)} DROP NOT NULL`,
        done: columnNullable(ref, drop.column),
      }),
      setAside,
    ],
    reverse: restore,
    notes: [
      `${target} is renamed to ${aside}, not dropped, and listed by listBackups: purgeBackups drops it after its retention, restoreBackup renames it back (NOT NULL included).`,
      "The plan's reverse renames it back but does not restore a NOT NULL it had: restoreBackup (or planSetNotNull) does.",
    ],
  };
}

/**
 * Drops a column, keeping its data: set aside in place (default) or copied into
 * `ballast_backup` then dropped (`keep: 'copy'`). See columnDropSteps.
 */
export function planDropColumn(args: DropColumnInput, server: ServerInfo): Plan {
  requireDialect(server, 'postgres', 'planDropColumn');
  const input = parseArgs(dropColumnInput, args, 'planDropColumn input');
  const target = `${displayName(input)}.${input.column}`;
  requireConfirmUnused('drop column', target, input.confirmUnused);
  const planned = columnDropSteps({ ...input, keep: input.keep ?? 'set-aside' });
  return freezePlan({ operation: 'drop-column', requires: ownerOf(input), target, ...planned });
}
