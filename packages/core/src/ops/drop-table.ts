import type { z } from 'zod';
import { BACKUP_SCHEMA } from '../backup/catalog.js';
import { anyOf, type CatalogProbe, relationMissing, tableExists } from '../dialects/postgres/catalog.js';
import { quoteLiteral } from '../dialects/quote.js';
import { requireDialect, type ServerInfo } from '../dialects/server.js';
import type { TableRef } from '../dialects/table-ref.js';
import { freezePlan, type Plan } from '../plan.js';
import { dropTableInput } from '../validate/ops.js';
import { parseArgs } from '../validate/parse.js';
import { backupStep, DROPPED_PREFIX, droppedStamp, requireConfirmUnused } from './drop-guard.js';
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

/**
 * Drops a table by moving it into the `ballast_backup` schema and renaming it there to
 * `ballast_dropped_<table>_<stamp>`, after a backup step records it in the catalog. Both are
 * catalog-only (data, indexes, constraints and owned sequences move with it), and need CREATE on
 * `ballast_backup` only, not on the application's schema. The reverse moves it back; it also
 * finds tables older versions set aside in place.
 */
export function planDropTable(args: DropTableInput, server: ServerInfo): Plan {
  requireDialect(server, 'postgres', 'planDropTable');
  const input = parseArgs(dropTableInput, args, 'planDropTable input');
  const target = displayName(input);
  requireConfirmUnused('drop table', target, input.confirmUnused);
  const id = `drop-table:${target}`;
  const at = input.droppedAt ?? new Date();
  const aside = droppedTableName(input.table, at);
  const moved = { table: input.table, schema: BACKUP_SCHEMA };
  const setAside = { table: aside, schema: BACKUP_SCHEMA };
  const step = (suffix: string, description: string, relation: TableRef, sql: string, done: CatalogProbe) =>
    sqlStep({
      id: `${id}:${suffix}`,
      description,
      lock: 'ACCESS EXCLUSIVE',
      relations: relationsOf(relation),
      transactional: true,
      timeout: 'ddl',
      sql,
      done,
    });
  // Older versions renamed the table in place (hash cut, or a plain cut before that).
  const inPlace = [...new Set([aside, legacyDroppedTableName(input.table, at)])].map((name, i) =>
    step(
      i === 0 ? 'restore-in-place' : 'restore-legacy',
      `rename ${name} (set aside in place by an older version) back to ${input.table}`,
      { table: name, schema: input.schema },
      `ALTER TABLE ${qtable({ table: name, schema: input.schema })} RENAME TO ${qi(input.table)}`,
      anyOf(tableExists(input), relationMissing({ table: name, schema: input.schema })),
    ),
  );
  return freezePlan({
    operation: 'drop-table',
    requires: ownerOf(input),
    target,
    steps: [
      backupStep(
        id,
        target,
        {
          table: input.table,
          ...(input.schema ? { schema: input.schema } : {}),
          keep: 'set-aside',
          aside,
          ...input.backup,
        },
        relationMissing(input),
      ),
      step(
        'move',
        `move ${target} into ${BACKUP_SCHEMA} (catalog only): the data stays until purged`,
        input,
        `ALTER TABLE ${qtable(input)} SET SCHEMA ${qi(BACKUP_SCHEMA)}`,
        relationMissing(input),
      ),
      step(
        'set-aside',
        `rename it to ${BACKUP_SCHEMA}.${aside}, a name no later drop reuses`,
        moved,
        `ALTER TABLE ${qtable(moved)} RENAME TO ${qi(aside)}`,
        relationMissing(moved),
      ),
    ],
    reverse: [
      step(
        'restore',
        `rename ${BACKUP_SCHEMA}.${aside} back to ${input.table}`,
        setAside,
        `ALTER TABLE ${qtable(setAside)} RENAME TO ${qi(input.table)}`,
        anyOf(tableExists(input), relationMissing(setAside)),
      ),
      step(
        'restore-schema',
        `move ${input.table} back into ${input.schema ?? 'the current schema'}`,
        moved,
        input.schema
          ? `ALTER TABLE ${qtable(moved)} SET SCHEMA ${qi(input.schema)}`
          : intoCurrentSchema(input.table),
        relationMissing(moved),
      ),
      ...inPlace,
    ],
    notes: [
      `${target} is moved to ${BACKUP_SCHEMA}.${aside}, not dropped, and listed by listBackups: purgeBackups drops it after its retention, restoreBackup moves it back.`,
      'Foreign keys that reference it keep pointing at the set-aside table.',
    ],
  });
}

/**
 * `SET SCHEMA` back into the schema an unqualified name resolves to: current_schema(), which
 * DDL cannot take as an expression, hence one DO statement (the name as a literal).
 */
function intoCurrentSchema(table: string): string {
  let tag = 'ballast';
  while (table.includes(`$${tag}$`)) tag += '_';
  const name = quoteLiteral('postgres', table);
  return `DO $${tag}$ BEGIN EXECUTE format('ALTER TABLE %I.%I SET SCHEMA %I', ${quoteLiteral('postgres', BACKUP_SCHEMA)}, ${name}, current_schema()); END $${tag}$`;
}
