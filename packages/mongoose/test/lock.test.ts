import assert from 'node:assert/strict';
import { acquireMigrationLock, LOCKS_COLLECTION, MigrationLockedError } from '@ballast/mongoose';
import { type MongoTestDatabase, mongoTestDatabase } from '@ballast/testkit';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, test } from 'vitest';

describe('migration lock in MongoDB', () => {
  let mongo: MongoTestDatabase;
  let connections: Connection[];
  beforeAll(async () => {
    mongo = await mongoTestDatabase();
    // Two independent connections stand for two migrator processes.
    connections = await Promise.all([1, 2].map(() => mongoose.createConnection(mongo.url).asPromise()));
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await mongo.drop();
  });

  test('of two migrators racing for the lock exactly one wins', async () => {
    const results = await Promise.allSettled(
      connections.map((c, i) => acquireMigrationLock(c, 'race', { owner: `migrator-${i}` })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 1);
    const error = (lost[0] as PromiseRejectedResult).reason;
    assert.ok(error instanceof MigrationLockedError);
    assert.match(error.message, /held by migrator-\d until/);
    await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
    const again = await acquireMigrationLock(connections[1]!, 'race', { owner: 'later' });
    await again.release();
  });

  test('a crashed holder (no heartbeat) loses the lock when it expires', async () => {
    const crashed = await acquireMigrationLock(connections[0]!, 'expiry', { owner: 'crashed', ttlMs: 200 });
    await assert.rejects(
      acquireMigrationLock(connections[1]!, 'expiry', { owner: 'next' }),
      MigrationLockedError,
    );
    await new Promise((r) => setTimeout(r, 300));
    const next = await acquireMigrationLock(connections[1]!, 'expiry', { owner: 'next' });
    await assert.rejects(crashed.heartbeat(), /was lost by crashed/);
    await crashed.release(); // must not delete the new holder's lock
    const doc = await connections[0]!.db!.collection(LOCKS_COLLECTION).findOne({ _id: 'expiry' as never });
    assert.equal(doc?.owner, 'next');
    await next.heartbeat();
    await next.release();
  });
});
