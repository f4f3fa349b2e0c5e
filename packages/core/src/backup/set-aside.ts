import { columnMissing, relationMissing, type TableRef } from '../dialects/postgres/catalog.js';
import { displayName, ownerOf, qi, qtable, relationsOf, sqlStep } from '../ops/shared.js';
import { freezePlan, type Plan } from '../plan.js';
import type { BackupRecord } from './catalog.js';

/**
 * What the backup store does to a backup's data, as runner plans (lock_timeout, retries naming
 * the blockers, done-probes): rename a set-aside object back (restore), or drop the data (purge).
 */

const sourceOf = (b: BackupRecord): TableRef => ({ schema: b.sourceSchema, table: b.sourceTable });
const dataOf = (b: BackupRecord): TableRef => ({ schema: b.backupSchema, table: b.backupTable });

/** Renames a set-aside table or column back under its own name (catalog only). */
export function planRestoreSetAside(b: BackupRecord): Plan {
  const source = sourceOf(b);
  const aside = b.setAside!;
  const target = b.sourceColumn ? `${displayName(source)}.${b.sourceColumn}` : displayName(source);
  const relation = b.sourceColumn ? source : dataOf(b);
  return freezePlan({
    operation: 'restore-backup',
    target,
    requires: ownerOf(relation),
    steps: [
      sqlStep({
        id: `restore-backup:${b.id}:rename`,
        description: `rename ${aside} back to ${b.sourceColumn ?? b.sourceTable} (catalog only)`,
        lock: 'ACCESS EXCLUSIVE',
        relations: relationsOf(relation),
        transactional: true,
        timeout: 'ddl',
        sql: b.sourceColumn
          ? `ALTER TABLE ${qtable(source)} RENAME COLUMN ${qi(aside)} TO ${qi(b.sourceColumn)}`
          : `ALTER TABLE ${qtable(relation)} RENAME TO ${qi(b.sourceTable)}`,
        done: b.sourceColumn ? columnMissing(source, aside) : relationMissing(relation),
      }),
    ],
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
