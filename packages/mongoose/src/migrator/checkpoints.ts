import mongoose, { type mongo } from 'mongoose';

/** Same name as the SQL side's table: one place per database to look for backfill state. */
export const CHECKPOINTS_COLLECTION = 'ballast_backfill_checkpoints';

export type CheckpointStatus = 'running' | 'done' | 'cancelled' | 'failed';

/** One document per job; `_id` values are kept as canonical Extended JSON so any key type resumes. */
export interface CheckpointDocument {
  _id: string;
  collection: string;
  /** The migrator's target version; null for a backup copy or restore (`backup:<id>`, `restore:<id>`). */
  targetVersion: number | null;
  /** Last `_id` converted (Extended JSON), null before the first batch. */
  cursor: string | null;
  /** Largest `_id` when the job started (Extended JSON); later inserts are written by new code. */
  upperBound: string | null;
  rowsDone: number;
  batches: number;
  status: CheckpointStatus;
  error: string | null;
  startedAt: Date;
  updatedAt: Date;
}

const { EJSON } = mongoose.mongo.BSON;
export const encodeId = (id: unknown): string => EJSON.stringify(id as never, { relaxed: false });
export const decodeId = (text: string): unknown => EJSON.parse(text, { relaxed: false });

export function checkpoints(db: mongo.Db): mongo.Collection<CheckpointDocument> {
  return db.collection<CheckpointDocument>(CHECKPOINTS_COLLECTION);
}

/** Checkpoints of this database's jobs (or of one job), newest first. */
export function migrationStatus(db: mongo.Db, job?: string): Promise<CheckpointDocument[]> {
  return checkpoints(db)
    .find(job ? { _id: job } : {})
    .sort({ updatedAt: -1 })
    .toArray();
}
