import type { BackfillSource } from '@ballast/core/adapter';
import type { mongo } from 'mongoose';
import { WriteConflictError } from '../errors.js';
import type { Doc } from '../versions.js';
import { checkpoints, decodeId, encodeId } from './checkpoints.js';

type OpenedJob = Awaited<ReturnType<BackfillSource['open']>>;
type BatchOutcome = Awaited<ReturnType<BackfillSource['processBatch']>>;
type Cursor = BatchOutcome['cursor'];

/** What one job does to the documents it visits; the paging and the checkpoint are the source's. */
export interface KeysetWork {
  /** Documents still to do: a batch reads only these, and a `done` checkpoint with some left starts over. */
  readonly pending: Doc;
  /** Read options of a batch (e.g. raw BSON values and a projection for a byte-exact copy). */
  readonly read?: mongo.FindOptions;
  /** Recorded on the checkpoint: the migrator's target version, null for other jobs. */
  readonly targetVersion: number | null;
  /** Writes one batch (never empty); returns the documents changed. */
  write(docs: Doc[]): Promise<number>;
}

/**
 * A MongoDB collection behind core's batch loop: `_id`-ordered keyset batches up to the largest
 * `_id` seen at the start, checkpoints in `ballast_backfill_checkpoints`. Without transactions the
 * checkpoint is written after the batch: a crash in between makes the rerun read that range
 * again, where `pending` no longer matches the documents already done, so each is done once.
 * The migrator and the backup copies and restores all run on it.
 */
export function keysetSource(collection: mongo.Collection<Doc>, work: KeysetWork): BackfillSource {
  const store = checkpoints(collection.db);
  const { pending } = work;
  let upperBound: unknown;

  return {
    target: `${collection.dbName}.${collection.collectionName}`,
    paging: '_id',
    hold: (fn) => fn(),
    estimate: () => collection.countDocuments(pending),

    async open(job, restart): Promise<OpenedJob> {
      let found = await store.findOne({ _id: job });
      // "Done" is checked against the data, not the name: after a `down`, `up` runs again.
      const stale = found?.status === 'done' && (await collection.countDocuments(pending, { limit: 1 })) > 0;
      if (restart || stale) {
        await store.deleteOne({ _id: job });
        found = null;
      }
      if (!found) {
        const [last] = await collection
          .find({}, { projection: { _id: 1 } })
          .sort({ _id: -1 })
          .limit(1)
          .toArray();
        const now = new Date();
        found = {
          _id: job,
          collection: collection.collectionName,
          targetVersion: work.targetVersion,
          cursor: null,
          upperBound: last ? encodeId(last._id) : null,
          rowsDone: 0,
          batches: 0,
          status: last ? 'running' : 'done',
          error: null,
          startedAt: now,
          updatedAt: now,
        };
        await store.insertOne(found);
      } else if (found.status !== 'done') {
        await store.updateOne(
          { _id: job },
          { $set: { status: 'running', error: null, updatedAt: new Date() } },
        );
      }
      upperBound = found.upperBound === null ? undefined : decodeId(found.upperBound);
      const estimatedRows = found.status === 'done' ? 0 : await collection.countDocuments(pending);
      return {
        state: found.status === 'done' ? 'done' : found.batches > 0 || found.cursor ? 'resumed' : 'new',
        cursor: found.cursor === null ? undefined : [found.cursor],
        rowsDone: found.rowsDone,
        estimatedRows: found.rowsDone + estimatedRows,
      };
    },

    async processBatch(job: string, cursor: Cursor | undefined, limit: number): Promise<BatchOutcome> {
      const range = { _id: { ...(cursor ? { $gt: decodeId(cursor[0]!) } : {}), $lte: upperBound } };
      const docs = await collection
        .find({ $and: [range, pending] } as never, work.read)
        .sort({ _id: 1 })
        .limit(limit)
        .toArray();
      const changed = docs.length > 0 ? await work.write(docs) : 0;
      const done = docs.length < limit;
      const next = docs.length > 0 ? [encodeId(docs.at(-1)!._id)] : cursor;
      await store.updateOne(
        { _id: job },
        {
          $set: { cursor: next?.[0] ?? null, status: done ? 'done' : 'running', updatedAt: new Date() },
          $inc: { rowsDone: docs.length, batches: 1 },
        },
      );
      return { rows: docs.length, changed, cursor: next, done };
    },

    async close(job, status, error) {
      await store.updateOne({ _id: job }, { $set: { status, error: error ?? null, updatedAt: new Date() } });
    },

    isTransient(error) {
      if (error instanceof WriteConflictError) return true;
      const e = error as { code?: number; hasErrorLabel?: (label: string) => boolean };
      return e.code === 112 || e.hasErrorLabel?.('RetryableWriteError') === true;
    },
  };
}
