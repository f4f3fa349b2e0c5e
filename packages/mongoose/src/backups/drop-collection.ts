import { parseArgs } from '@ballast/core/adapter';
import type { mongo } from 'mongoose';
import { type MongoBackupRecord, markBackup, newBackup } from './catalog.js';
import { backupOptions, type MongoBackupOptions } from './unset-field.js';

/**
 * Drops a collection by setting it aside: `renameCollection` to `ballast_backup_<id>` keeps every
 * document byte for byte, and its indexes, at no copy cost; restore renames it back. A missing
 * collection is already dropped: nothing is recorded.
 */
export async function dropCollectionWithBackup(
  db: mongo.Db,
  collection: string,
  options: MongoBackupOptions = {},
): Promise<MongoBackupRecord | null> {
  const o = parseArgs(backupOptions, options, 'dropCollectionWithBackup options');
  if ((await db.listCollections({ name: collection }, { nameOnly: true }).toArray()).length === 0)
    return null;
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
