import assert from 'node:assert/strict';
import { InvalidArgumentError, type ProgressEvent } from '@ballast/core';
import {
  CHECKPOINTS_COLLECTION,
  migrateCollection,
  migrationStatus,
  replicaLagMs,
  VersionMismatchError,
  versioningOf,
} from '@ballast/mongoose';
import { type MongoTestDatabase, mongoTestDatabase } from '@ballast/testkit';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { convertStored } from '../src/versions.js';
import { personModel, seedV1 } from './fixtures/people.js';

describe('background migrator', () => {
  let mongo: MongoTestDatabase;
  let conn: Connection;
  beforeAll(async () => {
    mongo = await mongoTestDatabase('migrator');
    conn = await mongoose.createConnection(mongo.url).asPromise();
  });
  afterAll(async () => {
    await conn.close();
    await mongo.drop();
  });

  test('dry run writes nothing; up converts every document once in batches; rerun is already done', async () => {
    const People = personModel(conn, 'up', { onNewerDocument: () => {} });
    await seedV1(conn, 'up', 320);
    const raw = conn.db!.collection('up');
    await raw.insertOne({ _id: 5000 as never, first: 'Next', last: 'Deploy', schemaVersion: 4 });

    const dry = await migrateCollection(People, { dryRun: true, initialBatchSize: 50, minBatchSize: 10 });
    assert.equal(dry.status, 'dry-run');
    assert.equal(dry.estimatedRows, 320);
    assert.deepEqual(dry.estimatedBatches, { atInitialSize: 7, atMaxSize: 1 });
    assert.equal(await raw.countDocuments({ schemaVersion: 3 }), 0);
    assert.equal(await conn.db!.collection(CHECKPOINTS_COLLECTION).countDocuments(), 0);

    const batches: number[] = [];
    const events: ProgressEvent[] = [];
    const progress = {
      update: (e: ProgressEvent) => events.push(e),
      finish: (e: ProgressEvent) => events.push(e),
    };
    const result = await migrateCollection(People, {
      initialBatchSize: 50,
      minBatchSize: 10,
      maxBatchSize: 50,
      targetBatchMs: 60_000, // FerretDB is slow: keep the size fixed so the batches are known
      onBatch: (b) => batches.push(b.rows),
      progress,
    });
    assert.equal(result.status, 'done');
    assert.equal(result.rowsDone, 320);
    assert.equal(result.rowsChanged, 320);
    assert.equal(result.newerDocuments, 1);
    assert.equal(result.paging, '_id');
    assert.deepEqual(batches, [50, 50, 50, 50, 50, 50, 20]);
    assert.equal(events.at(-1)?.phase, 'done');
    assert.equal(events.at(-1)?.done, 320);
    assert.equal(await raw.countDocuments({ schemaVersion: 3, upgrades: 1 }), 320);
    assert.deepEqual(await raw.findOne({ _id: 42 as never }), {
      _id: 42,
      first: 'First42',
      last: 'Last42',
      display: 'LAST42, First42',
      upgrades: 1,
      schemaVersion: 3,
    });
    assert.deepEqual(await raw.findOne({ _id: 5000 as never }), {
      _id: 5000,
      first: 'Next',
      last: 'Deploy',
      schemaVersion: 4,
    });
    const [checkpoint] = await migrationStatus(conn.db!, result.job);
    assert.equal(checkpoint?.status, 'done');
    assert.equal(checkpoint?.rowsDone, 320);

    const again = await migrateCollection(People);
    assert.equal(again.status, 'already-done');
  });

  test('down through downgrades returns every document to v1, then up converts them again', async () => {
    const People = personModel(conn, 'down', { onNewerDocument: () => {} });
    await seedV1(conn, 'down', 60);
    const raw = conn.db!.collection('down');
    await migrateCollection(People, { initialBatchSize: 25, minBatchSize: 10 });
    const down = await migrateCollection(People, { to: 1, initialBatchSize: 25, minBatchSize: 10 });
    assert.equal(down.status, 'done');
    assert.equal(down.direction, 'down');
    assert.equal(down.rowsChanged, 60);
    const docs = await raw.find().sort({ _id: 1 }).toArray();
    assert.deepEqual(
      docs,
      docs.map((_, i) => ({ _id: i + 1, name: `First${i + 1} Last${i + 1}`, schemaVersion: 1 })),
    );
    // The finished "up" checkpoint does not make the next up a no-op: the data decides.
    const up = await migrateCollection(People, { initialBatchSize: 25, minBatchSize: 10 });
    assert.equal(up.status, 'done');
    assert.equal(up.rowsChanged, 60);
    assert.equal(await raw.countDocuments({ schemaVersion: 3, upgrades: 1 }), 60);
  });

  test('compare-and-set: a document the application saved after the migrator read it is not overwritten', async () => {
    const People = personModel(conn, 'cas');
    const raw = conn.db!.collection('cas');
    await raw.insertOne({ _id: 1 as never, name: 'Ada Lovelace' });
    const stale = await raw.find().toArray(); // what the migrator read
    const ada = await People.findById(1); // the application: upgraded on read, renamed, saved
    ada!.first = 'Augusta';
    await ada!.save();
    const written = await convertStored(raw as never, versioningOf(People)!, stale, 3);
    assert.equal(written, 0, 'the stale conversion must not match');
    assert.deepEqual(await raw.findOne({ _id: 1 as never }), {
      _id: 1,
      first: 'Augusta',
      last: 'Lovelace',
      display: 'LOVELACE, Ada',
      upgrades: 1,
      schemaVersion: 3,
    });
  });

  test('bad options and impossible targets are refused before anything is written', async () => {
    const People = personModel(conn, 'refuse');
    await assert.rejects(
      migrateCollection(People, { batchSize: 10 } as never),
      (e: unknown) => e instanceof InvalidArgumentError && /batchSize/.test(e.message),
    );
    await assert.rejects(migrateCollection(People, { initialBatchSize: 0 }), /initialBatchSize/);
    await assert.rejects(migrateCollection(People, { to: 4 }), VersionMismatchError);
    const Plain = conn.model('Plain', new mongoose.Schema({ name: String }), 'plain');
    await assert.rejects(migrateCollection(Plain), /does not use the versioned plugin/);
    assert.equal(
      await conn.db!.collection(CHECKPOINTS_COLLECTION).countDocuments({ collection: 'refuse' }),
      0,
    );
  });

  test('replication lag: FerretDB refuses replSetGetStatus, so the throttle reports it and never waits', async () => {
    const lag = await replicaLagMs(conn.db!);
    if (process.env.BALLAST_MONGO_URL && 'lagMs' in lag) {
      assert.ok(lag.lagMs >= 0); // a real replica set reports a lag
      return;
    }
    assert.ok('unavailable' in lag);
    assert.match(lag.unavailable, /replSetGetStatus refused/);
    const People = personModel(conn, 'lag');
    await seedV1(conn, 'lag', 10);
    const result = await migrateCollection(People, { maxReplicaLagMs: 1 });
    assert.equal(result.status, 'done');
    assert.deepEqual(result.pauses, []);
  });
});
