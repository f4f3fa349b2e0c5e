import { hostname } from 'node:os';
import { BallastError } from '@ballast/core';
import type { Connection } from 'mongoose';

/** Lock documents live in the database being migrated, so a crashed holder cannot keep it forever. */
export const LOCKS_COLLECTION = 'ballast_locks';

interface LockDocument {
  _id: string;
  owner: string;
  acquiredAt: Date;
  expiresAt: Date;
}

export class MigrationLockedError extends BallastError {
  override readonly name = 'MigrationLockedError';
  constructor(
    readonly lockName: string,
    readonly holder: string,
    readonly expiresAt: Date,
  ) {
    super(`migration lock "${lockName}" is held by ${holder} until ${expiresAt.toISOString()}`, {
      where: `${LOCKS_COLLECTION}/${lockName}`,
      hint: 'another migrator is running: wait for it, or if it crashed the lock frees itself when it expires',
    });
  }
}

export interface MigrationLock {
  readonly name: string;
  readonly owner: string;
  /** Pushes the expiry forward; throws if the lock was lost (expired and taken by another owner). */
  heartbeat(): Promise<void>;
  release(): Promise<void>;
}

export interface LockOptions {
  /** How long the lock survives without a heartbeat. Default 60 s. */
  readonly ttlMs?: number;
  /** Identifies the holder in errors. Default `host:pid`. */
  readonly owner?: string;
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number }).code === 11000;
}

/**
 * Takes the named lock or throws MigrationLockedError. Atomic on the server: an upsert that only
 * matches an expired lock; a live lock makes the upsert collide on `_id` (duplicate key).
 */
export async function acquireMigrationLock(
  connection: Connection,
  name: string,
  options: LockOptions = {},
): Promise<MigrationLock> {
  const ttlMs = options.ttlMs ?? 60_000;
  const owner = options.owner ?? `${hostname()}:${process.pid}`;
  const locks = connection.db!.collection<LockDocument>(LOCKS_COLLECTION);
  const now = new Date();
  try {
    await locks.findOneAndUpdate(
      { _id: name, expiresAt: { $lt: now } },
      { $set: { owner, acquiredAt: now, expiresAt: new Date(now.getTime() + ttlMs) } },
      { upsert: true },
    );
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const held = await locks.findOne({ _id: name });
    throw new MigrationLockedError(name, held?.owner ?? 'another migrator', held?.expiresAt ?? now);
  }
  return {
    name,
    owner,
    async heartbeat() {
      const result = await locks.updateOne(
        { _id: name, owner },
        { $set: { expiresAt: new Date(Date.now() + ttlMs) } },
      );
      if (result.matchedCount === 0) {
        throw new BallastError(`migration lock "${name}" was lost by ${owner}`, {
          hint: 'the lock expired and another migrator took it: stop this run; raise ttlMs or heartbeat more often',
        });
      }
    },
    async release() {
      await locks.deleteOne({ _id: name, owner });
    },
  };
}
