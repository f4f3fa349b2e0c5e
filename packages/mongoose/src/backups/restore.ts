import { BallastError } from '@ballast/core';
import { parseArgs } from '@ballast/core/adapter';
import type { mongo } from 'mongoose';
import type { z } from 'zod';
import { keysetSource } from '../migrator/keyset-source.js';
import { type LoopTuningOptions, loopTuningSchema } from '../migrator/tuning.js';
import { chunkedBulkWrite } from '../versions.js';
import { catalog, dropBackupData, type MongoBackupRecord, markBackup, RAW } from './catalog.js';
import { runBackupJob } from './job.js';

/** Batch-loop tuning of a restore (batch sizes, throttles, replica lag, progress …). */
export type MongoRestoreOptions = z.input<typeof loopTuningSchema>;

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
  options: MongoRestoreOptions = {},
): Promise<MongoBackupRecord[]> {
  const o = parseArgs(loopTuningSchema, options, 'restoreMongoBackup options');
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
    else await setBack(db, b, o);
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

/**
 * A field's values `$set` back on core's batch loop (job `restore:<id>`): a rerun after kill -9
 * resumes after the last checkpointed batch; setting a value again is harmless.
 */
async function setBack(db: mongo.Db, b: MongoBackupRecord, tuning: LoopTuningOptions): Promise<void> {
  const source = db.collection(b.sourceCollection);
  const field = b.sourceField!;
  const values = keysetSource(db.collection(b.backupCollection), {
    pending: {},
    read: RAW,
    targetVersion: null,
    write: async (docs) => {
      const { modifiedCount } = await chunkedBulkWrite(
        source,
        docs.map((d) => ({
          updateOne: { filter: { _id: d._id as never }, update: { $set: { [field]: d.v } } },
        })),
      );
      return modifiedCount;
    },
  });
  // Named after the collection it writes (progress: "restored N documents of db.people").
  await runBackupJob(
    db,
    b,
    'restore',
    { ...values, target: `${db.databaseName}.${b.sourceCollection}` },
    tuning,
  );
  await dropBackupData(db, b.backupCollection);
}
