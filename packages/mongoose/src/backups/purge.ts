import type { mongo } from 'mongoose';
import { catalog, dropBackupData, type MongoBackupRecord, markBackup } from './catalog.js';

/** Ready backups (with `includeHistory`, restored and purged ones too), oldest first. */
export async function listMongoBackups(
  db: mongo.Db,
  options: { readonly includeHistory?: boolean } = {},
): Promise<MongoBackupRecord[]> {
  const filter = options.includeHistory ? {} : { status: { $in: ['ready', 'copying'] as const } };
  return catalog(db).find(filter).sort({ _id: 1 }).toArray();
}

/**
 * Drops the data of ready (or unfinished) backups and marks them `purged`: with `expiredOnly`,
 * only those past their retention. Returns the purged ones.
 */
export async function purgeMongoBackups(
  db: mongo.Db,
  options: { readonly expiredOnly?: boolean; readonly now?: Date } = {},
): Promise<MongoBackupRecord[]> {
  const now = options.now ?? new Date();
  const purged: MongoBackupRecord[] = [];
  for (const b of await listMongoBackups(db)) {
    if (options.expiredOnly && b.expiresAt > now) continue;
    await dropBackupData(db, b.backupCollection);
    await markBackup(db, b._id, { status: 'purged' });
    purged.push({ ...b, status: 'purged' });
  }
  return purged;
}
