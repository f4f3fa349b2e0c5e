import { type CatalogProbe, columnMissing, relationMissing } from '../dialects/postgres/catalog.js';
import type { TableRef } from '../dialects/table-ref.js';
import { displayName, ownerOf, qi, qtable, relationsOf, sqlStep } from '../ops/shared.js';
import { freezePlan, type Plan } from '../plan.js';
import type { BackupRecord } from './catalog.js';

/**
 * What the backup store does to a backup's data, as runner plans (lock_timeout, retries naming
 * the blockers, done-probes): rename a set-aside object back (restore), or drop the data (purge).
 */

const sourceOf = (b: BackupRecord): TableRef => ({ schema: b.sourceSchema, table: b.sourceTable });
const dataOf = (b: BackupRecord): TableRef => ({ schema: b.backupSchema, table: b.backupTable });

/** Renames a set-aside column back, or moves a set-aside table back under its name (catalog only). */
export function planRestoreSetAside(b: BackupRecord): Plan {
  const source = sourceOf(b);
  const aside = b.setAside!;
  const rename = (suffix: string, description: string, relation: TableRef, sql: string, done: CatalogProbe) =>
    sqlStep({
      id: `restore-backup:${b.id}:${suffix}`,
      description,
      lock: 'ACCESS EXCLUSIVE',
      relations: relationsOf(relation),
      transactional: true,
      timeout: 'ddl',
      sql,
      done,
    });
  const moved = { schema: b.backupSchema, table: b.sourceTable };
  const steps = b.sourceColumn
    ? [
        rename(
          'rename',
          `rename ${aside} back to ${b.sourceColumn} (catalog only)`,
          source,
          `ALTER TABLE ${qtable(source)} RENAME COLUMN ${qi(aside)} TO ${qi(b.sourceColumn)}`,
          columnMissing(source, aside),
        ),
      ]
    : [
        rename(
          'rename',
          `rename ${b.backupSchema}.${aside} back to ${b.sourceTable} (catalog only)`,
          dataOf(b),
          `ALTER TABLE ${qtable(dataOf(b))} RENAME TO ${qi(b.sourceTable)}`,
          relationMissing(dataOf(b)),
        ),
        rename(
          'move',
          `move ${b.sourceTable} back into ${b.sourceSchema} (catalog only)`,
          moved,
          `ALTER TABLE ${qtable(moved)} SET SCHEMA ${qi(b.sourceSchema)}`,
          relationMissing(moved),
        ),
      ];
  return freezePlan({
    operation: 'restore-backup',
    target: b.sourceColumn ? `${displayName(source)}.${b.sourceColumn}` : displayName(source),
    requires: ownerOf(b.sourceColumn ? source : dataOf(b)),
    steps,
    reverse: [],
    notes: [`from backup ${b.id}`],
  });
}

/** Drops a backup's data: the copy table, the set-aside table, or the set-aside column. */
export function planPurge(b: BackupRecord): Plan {
  const column = b.setAside !== null && b.kind === 'column';
  const relation = column ? sourceOf(b) : dataOf(b);
  const what = column ? `${displayName(relation)}.${b.setAside}` : displayName(relation);
  return freezePlan({
    operation: 'purge-backup',
    target: what,
    requires: b.setAside === null ? [] : ownerOf(relation),
    steps: [
      sqlStep({
        id: `purge-backup:${b.id}`,
        description: `drop ${what}, the data of backup ${b.id}`,
        lock: 'ACCESS EXCLUSIVE',
        relations: relationsOf(relation),
        transactional: true,
        timeout: 'ddl',
        sql: column
          ? `ALTER TABLE ${qtable(relation)} DROP COLUMN IF EXISTS ${qi(b.setAside!)}`
          : `DROP TABLE IF EXISTS ${qtable(relation)}`,
        done: column ? columnMissing(relation, b.setAside!) : relationMissing(relation),
      }),
    ],
    reverse: [],
    notes: [],
  });
}
