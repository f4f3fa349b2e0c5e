import type { mongo } from 'mongoose';

/** One document per migration file that ran, in the database being migrated. */
export const LEDGER_COLLECTION = 'ballast_mongo_migrations';

export interface LedgerDocument {
  /** The file name without its extension, e.g. `001-split-name`. */
  _id: string;
  applied_at: Date;
  execution_time_ms: number;
  success: boolean;
  error_message: string | null;
}

export function ledger(db: mongo.Db): mongo.Collection<LedgerDocument> {
  return db.collection<LedgerDocument>(LEDGER_COLLECTION);
}

export function record(db: mongo.Db, entry: LedgerDocument): Promise<unknown> {
  const { _id, ...fields } = entry;
  return ledger(db).updateOne({ _id }, { $set: fields }, { upsert: true });
}
