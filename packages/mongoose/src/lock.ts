import type { MigratorLockOptions } from '@ballast/core';
import { type LeaseLockStore, type LockRequest, withLeaseLock } from '@ballast/core/adapter';
import type { Connection, mongo } from 'mongoose';

/** Lock documents live in the database being migrated, like the SQL side's `ballast_locks` table. */
export const LOCKS_COLLECTION = 'ballast_locks';

interface LockDocument {
  _id: string;
  holder: string;
  pid: number;
  host: string;
  acquiredAt: Date;
  expiresAt: Date;
}

const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;

/**
 * Core's migrator lock (a lease: heartbeat, takeover after the TTL, LockedError naming the holder)
 * kept in MongoDB. MongoDB has no lock that ends with a connection, so a holder killed with kill -9
 * is taken over when its TTL expired. Acquiring is one atomic upsert that only matches an expired
 * lock: a live one makes it collide on `_id` (duplicate key). Expiry uses this machine's clock.
 */
export function mongoLockStore(db: mongo.Db): LeaseLockStore {
  const locks = db.collection<LockDocument>(LOCKS_COLLECTION);
  return {
    where: `${db.databaseName}.${LOCKS_COLLECTION}`,
    async acquire(r: LockRequest) {
      const now = new Date();
      try {
        const before = await locks.findOneAndUpdate(
          { _id: r.name, expiresAt: { $lt: now } },
          {
            $set: {
              holder: r.holder,
              pid: r.pid,
              host: r.host,
              acquiredAt: now,
              expiresAt: new Date(now.getTime() + r.ttlMs),
            },
          },
          { upsert: true, returnDocument: 'before', includeResultMetadata: false },
        );
        const previous = before
          ? { pid: before.pid, host: before.host, backend_pid: null, heartbeat_at: null, expired: true }
          : null;
        return { previous };
      } catch (error) {
        if (isDuplicateKey(error)) return undefined;
        throw error;
      }
    },
    async renew(r) {
      const result = await locks.updateOne(
        { _id: r.name, holder: r.holder },
        { $set: { expiresAt: new Date(Date.now() + r.ttlMs) } },
      );
      return result.matchedCount > 0;
    },
    async release(r) {
      await locks.deleteOne({ _id: r.name, holder: r.holder });
    },
    async holder(name) {
      const doc = await locks.findOne({ _id: name });
      return doc
        ? {
            pid: doc.pid ?? null,
            host: doc.host ?? null,
            acquired_at: doc.acquiredAt,
            expires_at: doc.expiresAt,
          }
        : undefined;
    },
  };
}

/**
 * Runs `fn` holding the migrator lock `name` of `connection`'s database: a second holder waits up
 * to `waitMs` (default 0 here: refuse at once), then gets core's LockedError naming the holder.
 */
export async function withMongoLock<T>(
  connection: Connection,
  name: string,
  fn: () => Promise<T>,
  options: MigratorLockOptions = {},
): Promise<T> {
  await connection.asPromise();
  return withLeaseLock(mongoLockStore(connection.db!), name, fn, { waitMs: 0, ...options });
}
