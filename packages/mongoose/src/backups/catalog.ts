import type { mongo } from 'mongoose';

/**
 * The Mongo backup catalog, shaped like core's SQL one (backup/catalog.ts): one document per
 * backup in `ballast_backups` of the migrated database; the data in `ballast_backup_<id>`.
 */
export const BACKUP_CATALOG = 'ballast_backups';
export const BACKUP_PREFIX = 'ballast_backup_';
/** Default retention, as on SQL: long enough to notice a mistake and roll back. */
export const DEFAULT_RETENTION_DAYS = 7;

/** `field`: values of one field, keyed by `_id`; `collection`: a whole collection set aside. */
export type MongoBackupKind = 'field' | 'collection';
/** `copying` until complete; `ready` can be restored; `restored`/`purged` are history. */
export type MongoBackupStatus = 'copying' | 'ready' | 'restored' | 'purged';

export interface MongoBackupRecord {
  readonly _id: number;
  readonly kind: MongoBackupKind;
  readonly status: MongoBackupStatus;
  readonly sourceCollection: string;
  /** The unset field (dotted path allowed); null for a collection. */
  readonly sourceField: string | null;
  readonly backupCollection: string;
  readonly documents: number | null;
  /** The migration that made it, so its `down()` finds it. */
  readonly migration: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly restoredAt: Date | null;
}

export const catalog = (db: mongo.Db) => db.collection<MongoBackupRecord>(BACKUP_CATALOG);

/** Reads that keep every BSON type as stored (Int32, Double, Long, Decimal128, Binary …), for byte-exact copies. */
export const RAW = {
  promoteValues: false,
  promoteLongs: false,
  promoteBuffers: false,
  bsonRegExp: true,
} as const;

/** A new catalog entry in `copying` state; ids are taken with a duplicate-key retry (no counter needed). */
export async function newBackup(
  db: mongo.Db,
  entry: Pick<MongoBackupRecord, 'kind' | 'sourceCollection' | 'sourceField' | 'migration'> & {
    readonly retentionDays: number;
  },
): Promise<MongoBackupRecord> {
  for (;;) {
    const [last] = await catalog(db)
      .find({}, { projection: { _id: 1 } })
      .sort({ _id: -1 })
      .limit(1)
      .toArray();
    const id = (last?._id ?? 0) + 1;
    const now = new Date();
    const record: MongoBackupRecord = {
      _id: id,
      kind: entry.kind,
      status: 'copying',
      sourceCollection: entry.sourceCollection,
      sourceField: entry.sourceField,
      backupCollection: `${BACKUP_PREFIX}${id}`,
      documents: null,
      migration: entry.migration,
      createdAt: now,
      expiresAt: new Date(now.getTime() + entry.retentionDays * 86_400_000),
      restoredAt: null,
    };
    try {
      await catalog(db).insertOne(record);
      return record;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error; // another deploy took this id
    }
  }
}

export async function markBackup(db: mongo.Db, id: number, set: Partial<MongoBackupRecord>): Promise<void> {
  await catalog(db).updateOne({ _id: id }, { $set: set });
}

/** Drops a backup's data collection; already gone (never copied, or a rerun after the drop) is fine. */
export async function dropBackupData(db: mongo.Db, name: string): Promise<void> {
  await db
    .collection(name)
    .drop()
    .catch((e: { code?: number }) => {
      if (e.code !== 26) throw e; // NamespaceNotFound
    });
}
