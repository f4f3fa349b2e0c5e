import { parseArgs } from '@ballast/core/adapter';
import type { mongo } from 'mongoose';
import { z } from 'zod';
import { WriteConflictError } from '../errors.js';
import { keysetSource } from '../migrator/keyset-source.js';
import { loopTuningSchema } from '../migrator/tuning.js';
import { chunkedBulkWrite } from '../versions.js';
import {
  catalog,
  DEFAULT_RETENTION_DAYS,
  type MongoBackupRecord,
  markBackup,
  newBackup,
  RAW,
} from './catalog.js';
import { runBackupJob } from './job.js';

export const backupOptions = loopTuningSchema.extend({
  /** Recorded so the migration's `down()` finds its own backup (migration files fill it in). */
  migration: z.string().min(1).optional(),
  /** Days before `purgeMongoBackups({ expiredOnly: true })` may remove it. Default 7. */
  retentionDays: z.number().positive().default(DEFAULT_RETENTION_DAYS),
});

export type MongoBackupOptions = z.input<typeof backupOptions>;

const STOP_WRITING =
  'deploy code that no longer writes the field first, then run again: the values copied so far are kept';

const fieldPath = z.string().regex(/^[^$.][^$]*$/, 'must be a field path (a.b allowed, no $)');

/** The value at a dotted path, or undefined. */
function valueAt(doc: Record<string, unknown>, path: string): unknown {
  let v: unknown = doc;
  for (const part of path.split('.')) v = v == null ? undefined : (v as Record<string, unknown>)[part];
  return v;
}

/**
 * `$unset` of `field` on every document, with its values kept first in `ballast_backup_<id>` as
 * `{ _id, v }` (types preserved: read and written without promoting BSON values). Runs on core's
 * batch loop (job `backup:<id>`): `_id` keyset batches, each copied then unset with a
 * compare-and-set filter on the copied value, so a value the application changed meanwhile is
 * copied again when the loop retries the batch, never lost. Ends when no document has the field
 * (stop writing it first: this is the contract step).
 */
export async function unsetFieldWithBackup(
  db: mongo.Db,
  collection: string,
  field: string,
  options: MongoBackupOptions = {},
): Promise<MongoBackupRecord> {
  const f = parseArgs(fieldPath, field, 'unsetFieldWithBackup field');
  const o = parseArgs(backupOptions, options, 'unsetFieldWithBackup options');
  // A run that died mid-way left its backup `copying`, holding values already unset: carry on
  // filling that one (and its checkpoint), so one restore puts back all of them.
  const record =
    (await catalog(db).findOne({
      kind: 'field',
      status: 'copying',
      sourceCollection: collection,
      sourceField: f,
      migration: o.migration ?? null,
    })) ??
    (await newBackup(db, {
      kind: 'field',
      sourceCollection: collection,
      sourceField: f,
      migration: o.migration ?? null,
      retentionDays: o.retentionDays,
    }));
  const source = db.collection(collection);
  const backup = db.collection(record.backupCollection);
  const has = { [f]: { $exists: true } };
  const copy = keysetSource(source, {
    pending: has,
    read: { ...RAW, projection: { [f]: 1 } },
    targetVersion: null,
    write: (docs) => copyThenUnset(source, backup, f, docs),
  });
  // Documents written with the field after the copy began lie past its upper bound: another
  // pass (a fresh checkpoint, the same backup) takes them, as long as the application has stopped.
  for (let pass = 1; ; pass++) {
    await runBackupJob(db, record, 'backup', copy, o);
    const left = await source.countDocuments(has);
    if (left === 0) break;
    if (pass === 3)
      throw new WriteConflictError(
        `cannot unset ${collection}.${f}: ${left} documents still have it after 3 passes (the application writes it)`,
        {
          where: `${collection}.${f}`,
          hint: STOP_WRITING,
        },
      );
  }
  const documents = await backup.countDocuments();
  await markBackup(db, record._id, { status: 'ready', documents });
  return { ...record, status: 'ready', documents };
}

/**
 * One batch: copy the values (an upsert per `_id`: a rerun overwrites, never duplicates), then
 * unset each only where it still equals its copy. A value changed in between is a transient
 * conflict: the loop retries the batch smaller, copying the new value first.
 */
async function copyThenUnset(
  source: mongo.Collection,
  backup: mongo.Collection,
  f: string,
  docs: readonly mongo.Document[],
): Promise<number> {
  const values = docs.map((d) => ({ _id: d._id, v: valueAt(d, f) }));
  await chunkedBulkWrite(
    backup,
    values.map((d) => ({ replaceOne: { filter: { _id: d._id }, replacement: d, upsert: true } })),
  );
  const { modifiedCount } = await chunkedBulkWrite(
    source,
    values.map((d) => ({
      updateOne: { filter: { _id: d._id, [f]: { $eq: d.v } }, update: { $unset: { [f]: '' } } },
    })),
  );
  if (modifiedCount < values.length) {
    const ids = values.map((d) => d._id);
    const [changed] = await source
      .find({ _id: { $in: ids }, [f]: { $exists: true } }, { projection: { _id: 1 } })
      .limit(1)
      .toArray();
    if (changed)
      throw new WriteConflictError(
        `${source.collectionName}.${f} of _id ${String(changed._id)} changed between its copy and its unset`,
        {
          where: `${source.collectionName}.${f}`,
          hint: STOP_WRITING,
        },
      );
  }
  return modifiedCount;
}
