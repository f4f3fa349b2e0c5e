import { parseArgs } from '@ballast/core/adapter';
import type { mongo } from 'mongoose';
import { z } from 'zod';
import { WriteConflictError } from '../errors.js';
import {
  catalog,
  DEFAULT_RETENTION_DAYS,
  type MongoBackupRecord,
  markBackup,
  newBackup,
  RAW,
} from './catalog.js';

export const backupOptions = z.strictObject({
  /** Recorded so the migration's `down()` finds its own backup (migration files fill it in). */
  migration: z.string().min(1).optional(),
  /** Days before `purgeMongoBackups({ expiredOnly: true })` may remove it. Default 7. */
  retentionDays: z.number().positive().default(DEFAULT_RETENTION_DAYS),
  /** Documents per copy-and-unset round. Default 500. */
  batchSize: z.number().int().positive().default(500),
});

export type MongoBackupOptions = z.input<typeof backupOptions>;

const fieldPath = z.string().regex(/^[^$.][^$]*$/, 'must be a field path (a.b allowed, no $)');

/** The value at a dotted path, or undefined. */
function valueAt(doc: Record<string, unknown>, path: string): unknown {
  let v: unknown = doc;
  for (const part of path.split('.')) v = v == null ? undefined : (v as Record<string, unknown>)[part];
  return v;
}

/**
 * `$unset` of `field` on every document, with its values kept first in `ballast_backup_<id>` as
 * `{ _id, v }` (types preserved: read and written without promoting BSON values). Rounds of
 * `batchSize`: copy, then unset with a compare-and-set filter on the copied value, so a value the
 * application changed meanwhile is copied again in the next round, never lost. Ends when no
 * document has the field (stop writing it first: this is the contract step).
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
  // filling that one, so one restore puts back all of them.
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
  let stuck = 0;
  for (;;) {
    const docs = await source
      .find({ [f]: { $exists: true } }, { ...RAW, projection: { [f]: 1 } })
      .sort({ _id: 1 })
      .limit(o.batchSize)
      .toArray();
    if (docs.length === 0) break;
    const values = docs.map((d) => ({ _id: d._id, v: valueAt(d, f) }));
    await backup.bulkWrite(
      values.map((d) => ({ replaceOne: { filter: { _id: d._id }, replacement: d, upsert: true } })),
      { ordered: false },
    );
    const { modifiedCount } = await source.bulkWrite(
      values.map((d) => ({
        updateOne: { filter: { _id: d._id, [f]: { $eq: d.v } }, update: { $unset: { [f]: '' } } },
      })),
      { ordered: false },
    );
    stuck = modifiedCount === 0 ? stuck + 1 : 0;
    if (stuck === 3)
      throw new WriteConflictError(
        `cannot unset ${collection}.${f}: its values changed under every copy for 3 rounds (e.g. _id ${String(docs[0]!._id)})`,
        {
          where: `${collection}.${f}`,
          hint: 'deploy code that no longer writes the field first, then run again: the values copied so far are kept',
        },
      );
  }
  const documents = await backup.countDocuments();
  await markBackup(db, record._id, { status: 'ready', documents });
  return { ...record, status: 'ready', documents };
}
