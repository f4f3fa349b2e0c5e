import { parseArgs } from '@ballast/core/adapter';
import type { mongo } from 'mongoose';
import { catalog, type MongoBackupRecord, markBackup, newBackup } from './catalog.js';
import { backupOptions, type MongoBackupOptions } from './unset-field.js';

/**
 * Drops a collection by setting it aside: `renameCollection` to `ballast_backup_<id>` keeps every
 * document byte for byte, and its indexes, at no copy cost; restore renames it back. A missing
 * collection is already dropped: nothing is recorded (unless a dead run of the same migration
 * renamed it and left its entry `copying`: that entry is completed).
 */
export async function dropCollectionWithBackup(
  db: mongo.Db,
  collection: string,
  options: MongoBackupOptions = {},
): Promise<MongoBackupRecord | null> {
  const o = parseArgs(backupOptions, options, 'dropCollectionWithBackup options');
  const exists = async (name: string) =>
    (await db.listCollections({ name }, { nameOnly: true }).toArray()).length > 0;
  if (!(await exists(collection))) {
    // Renamed by a run that died before marking its backup ready: finish that entry.
    const unfinished = await catalog(db).findOne({
      kind: 'collection',
      status: 'copying',
      sourceCollection: collection,
      migration: o.migration ?? null,
    });
    if (!unfinished || !(await exists(unfinished.backupCollection))) return null;
    const documents = await db.collection(unfinished.backupCollection).countDocuments();
    await markBackup(db, unfinished._id, { status: 'ready', documents });
    return { ...unfinished, status: 'ready', documents };
  }
  const record = await newBackup(db, {
    kind: 'collection',
    sourceCollection: collection,
    sourceField: null,
    migration: o.migration ?? null,
    retentionDays: o.retentionDays,
  });
  await db.renameCollection(collection, record.backupCollection);
  const documents = await db.collection(record.backupCollection).countDocuments();
  await markBackup(db, record._id, { status: 'ready', documents });
  return { ...record, status: 'ready', documents };
}
