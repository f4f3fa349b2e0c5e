/**
 * The Mongo migrator lock is core's lease lock (withLeaseLock) on a MongoDB store: a second
 * holder is refused with core's LockedError naming the holder; a holder killed with kill -9 is
 * taken over once its TTL expired, since MongoDB has no lock that ends with a connection.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { LOCKS_COLLECTION, withMongoLock } from '@ballast/mongoose';
import { type MongoTestDatabase, mongoTestDatabase } from '@ballast/testkit';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, test } from 'vitest';

const CHILD = fileURLToPath(new URL('./fixtures/lock-child.ts', import.meta.url));

/** A promise and the function that resolves it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}

describe('migrator lock in MongoDB (core lease lock)', () => {
  let mongo: MongoTestDatabase;
  let connections: Connection[];
  beforeAll(async () => {
    mongo = await mongoTestDatabase('lock');
    // Two independent connections stand for two migrator processes.
    connections = await Promise.all([1, 2].map(() => mongoose.createConnection(mongo.url).asPromise()));
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await mongo.drop();
  });

  test('of two migrators racing for the lock exactly one runs; the other gets LockedError naming the holder', async () => {
    const release = gate();
    const entered: number[] = [];
    const results = await Promise.allSettled(
      connections.map((c, i) =>
        withMongoLock(c, 'race', async () => {
          entered.push(i);
          await release.promise;
        }).finally(() => release.open()),
      ),
    );
    assert.equal(entered.length, 1);
    const lost = results.filter((r) => r.status === 'rejected');
    assert.equal(lost.length, 1);
    const error = (lost[0] as PromiseRejectedResult).reason;
    assert.equal(error.name, 'LockedError');
    assert.equal(error.holder.pid, process.pid);
    assert.equal(error.holder.host, hostname());
    assert.match(error.message, /migrator lock "race" is held by pid \d+ on .* since/);
    assert.equal(
      await connections[0]!.db!.collection(LOCKS_COLLECTION).countDocuments({ _id: 'race' as never }),
      0,
    );
    // Released: the next run takes it at once; nested use under the same name just proceeds.
    assert.equal(
      await withMongoLock(connections[1]!, 'race', () =>
        withMongoLock(connections[0]!, 'race', async () => 7),
      ),
      7,
    );
  });

  test('a holder killed with kill -9 is refused while its lease lives, then taken over when it expires', {
    timeout: 60_000,
  }, async () => {
    const child = spawn(
      process.execPath,
      ['--conditions=ballast-source', '--import', 'tsx', CHILD, mongo.url, 'killed', '3000'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => d.includes('held') && resolve());
      child.on('exit', (code) => reject(new Error(`lock child exited with ${code}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await assert.rejects(
      withMongoLock(connections[0]!, 'killed', async () => {}),
      (e: Error & { holder?: { pid: number } }) => {
        assert.equal(e.name, 'LockedError');
        assert.equal(e.holder?.pid, child.pid);
        assert.match(e.message, new RegExp(`held by pid ${child.pid} on `));
        assert.match(e.message, /taken over when it expires by itself at .*\(TTL\)/);
        return true;
      },
    );
    const log: string[] = [];
    const ran = await withMongoLock(connections[0]!, 'killed', async () => 'ran', {
      waitMs: 30_000,
      log: (l) => log.push(l),
    });
    assert.equal(ran, 'ran');
    assert.deepEqual(log, [
      `migrator lock "killed": taken over from pid ${child.pid} on ${hostname()}: its TTL expired`,
    ]);
  });

  test('the holder heartbeats: a run longer than its TTL keeps the lock', { timeout: 30_000 }, async () => {
    const release = gate();
    // TTL 3 s, renewed every second: the margin keeps a slow FerretDB renewal from losing it.
    const running = withMongoLock(connections[0]!, 'long', () => release.promise, { ttlMs: 3000 });
    for (let i = 0; i < 2; i++) {
      await new Promise((r) => setTimeout(r, 3000));
      await assert.rejects(
        withMongoLock(connections[1]!, 'long', async () => {}),
        { name: 'LockedError' },
      );
    }
    release.open();
    await running;
  });
});
