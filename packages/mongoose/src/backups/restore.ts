import { BallastError } from '@ballast/core';
import type { mongo } from 'mongoose';
import { catalog, type MongoBackupRecord, markBackup, RAW } from './catalog.js';

/** Which backups: one id, or every ready backup a migration made (restored newest first). */
export type BackupSelector = number | { readonly migration: string };

async function select(db: mongo.Db, which: BackupSelector): Promise<MongoBackupRecord[]> {
  const filter =
    typeof which === 'number' ? { _id: which } : { migration: which.migration, status: 'ready' as const };
  const found = await catalog(db).find(filter).sort({ _id: -1 }).toArray();
  if (typeof which === 'number' && found.length === 0)
    throw new BallastError(`no Mongo backup ${which}`, {
      where: 'ballast_backups',
      hint: 'listMongoBackups(db) shows them',
    });
  return found;
}

/**
 * Puts backed-up data back: a field's values are `$set` again on the documents still there (BSON
 * types as stored); a set-aside collection is renamed back (refused if the name was reused).
 * Returns the backups restored; none when the migration made none.
 */
export async function restoreMongoBackup(
  db: mongo.Db,
  which: BackupSelector,
  options: { readonly batchSize?: number } = {},
): Promise<MongoBackupRecord[]> {
  const restored: MongoBackupRecord[] = [];
  for (const b of await select(db, which)) {
    if (b.status !== 'ready')
      throw new BallastError(
        `cannot restore Mongo backup ${b._id} of ${b.sourceCollection}: it is ${b.status}`,
        {
          where: `ballast_backups/${b._id}`,
          hint:
            b.status === 'copying'
              ? 'the copy never finished (the source was not changed by it): purge it'
              : 'nothing left to restore',
        },
      );
    if (b.kind === 'collection') await renameBack(db, b);
    else await setBack(db, b, options.batchSize ?? 500);
    const restoredAt = new Date();
    await markBackup(db, b._id, { status: 'restored', restoredAt });
    restored.push({ ...b, status: 'restored', restoredAt });
  }
  return restored;
}

async function renameBack(db: mongo.Db, b: MongoBackupRecord): Promise<void> {
  const taken = await db.listCollections({ name: b.sourceCollection }, { nameOnly: true }).toArray();
  if (taken.length > 0) {
    const n = await db.collection(b.sourceCollection).countDocuments();
    if (n > 0)
      throw new BallastError(
        `cannot restore ${b.sourceCollection} from ${b.backupCollection}: a collection of that name exists again with ${n} documents`,
        { where: b.sourceCollection, hint: 'rename or empty the new collection, then restore again' },
      );
    await db.dropCollection(b.sourceCollection);
  }
  await db.renameCollection(b.backupCollection, b.sourceCollection);
}

async function setBack(db: mongo.Db, b: MongoBackupRecord, batchSize: number): Promise<void> {
  const source = db.collection(b.sourceCollection);
  const field = b.sourceField!;
  let after: unknown = null;
  for (;;) {
    const values = await db
      .collection(b.backupCollection)
      .find((after === null ? {} : { _id: { $gt: after } }) as mongo.Filter<mongo.Document>, RAW)
      .sort({ _id: 1 })
      .limit(batchSize)
      .toArray();
    if (values.length === 0) break;
    await source.bulkWrite(
      values.map((d) => ({ updateOne: { filter: { _id: d._id }, update: { $set: { [field]: d.v } } } })),
      { ordered: false },
    );
    after = values.at(-1)!._id;
  }
  await db.collection(b.backupCollection).drop();
}
