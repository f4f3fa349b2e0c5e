import assert from 'node:assert/strict';
import { type MongoTestDatabase, mongoTestDatabase } from '@ballast/testkit';
import type { Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, test } from 'vitest';

/**
 * What the Mongo-wire server under test supports. On FerretDB (what our machines have) the table
 * below is the recorded truth: if FerretDB changes, this test fails and the list in
 * docs/testing.md must be updated. Ballast's Mongoose features must not depend on the
 * unsupported ones without a test against a real MongoDB (BALLAST_MONGO_URL).
 */
type Probe = (db: Db, client: MongoClient) => Promise<unknown>;

const probes: Record<string, { ferretdb: boolean; run: Probe }> = {
  'insert and find': { ferretdb: true, run: async (db) => db.collection('a').insertOne({ x: 1 }) },
  'unique index is enforced': {
    ferretdb: true,
    run: async (db) => {
      const c = db.collection('u');
      await c.createIndex({ email: 1 }, { unique: true });
      await c.insertOne({ email: 'a@x' });
      await assert.rejects(c.insertOne({ email: 'a@x' }), (e: { code?: number }) => e.code === 11000);
    },
  },
  'compound unique index': {
    ferretdb: true,
    run: (db) => db.collection('c').createIndex({ a: 1, b: 1 }, { unique: true }),
  },
  'bulkWrite (ordered, mixed)': {
    ferretdb: true,
    run: (db) =>
      db
        .collection('a')
        .bulkWrite([
          { updateOne: { filter: { x: 1 }, update: { $set: { y: 2 } } } },
          { insertOne: { document: { z: 1 } } },
        ]),
  },
  findOneAndUpdate: {
    ferretdb: true,
    run: (db) => db.collection('a').findOneAndUpdate({ x: 1 }, { $inc: { n: 1 } }),
  },
  'keyset scan: _id range + sort + limit': {
    ferretdb: true,
    run: (db) =>
      db
        .collection('a')
        .find({ x: { $gte: 0 } })
        .sort({ _id: 1 })
        .limit(10)
        .toArray(),
  },
  renameCollection: {
    ferretdb: true,
    run: async (db) => {
      await db.collection('r').insertOne({});
      await db.collection('r').rename('r2');
    },
  },
  'listIndexes / dropIndex': {
    ferretdb: true,
    run: async (db) => {
      await db.collection('d').createIndex({ q: 1 });
      await db.collection('d').dropIndex('q_1');
    },
  },
  currentOp: { ferretdb: true, run: (db) => db.admin().command({ currentOp: 1 }) },
  // Why the harness runs FerretDB on PostgreSQL: its SQLite backend pushes down only a lone string
  // or ObjectId `_id`, so a numeric `_id` or the migrator's compare-and-set filter decodes the whole
  // collection in Go for every update (docs/testing.md has the figures).
  'numeric _id + version filter (compare-and-set) runs in the backend (explain: filterPushdown)': {
    ferretdb: true,
    run: async (db) => {
      await db.collection('pd').insertOne({ _id: 5 as never, schemaVersion: 1 });
      const plan = await db.command({ explain: { find: 'pd', filter: { _id: 5, schemaVersion: 1 } } });
      // MongoDB has no such field: it uses the _id index anyway.
      if (plan.filterPushdown === false) throw new Error('filter evaluated in FerretDB, not in the backend');
    },
  },
  // FerretDB v1 holds one backend connection per update of a command until the command ends
  // (handler/msg_update.go); a pool smaller than the bulkWrite waits forever (the guard fails it).
  'bulkWrite of 120 updateOne in one command': {
    ferretdb: true,
    run: async (db) => {
      const c = db.collection('bw');
      await c.insertMany(Array.from({ length: 120 }, (_, i) => ({ _id: i as never })));
      const ops = Array.from({ length: 120 }, (_, i) => ({
        updateOne: { filter: { _id: i as never }, update: { $set: { v: 1 } } },
      }));
      const done = await c.bulkWrite(ops, { timeoutMS: 60_000 });
      assert.equal(done.modifiedCount, 120);
    },
  },
  'partial index (partialFilterExpression)': {
    ferretdb: false,
    run: (db) =>
      db.collection('p').createIndex({ e: 1 }, { partialFilterExpression: { e: { $exists: true } } }),
  },
  'TTL index (expireAfterSeconds)': {
    ferretdb: false,
    run: (db) => db.collection('t').createIndex({ at: 1 }, { expireAfterSeconds: 10 }),
  },
  'create collection with $jsonSchema validator': {
    ferretdb: false,
    run: (db) => db.createCollection('v', { validator: { $jsonSchema: { required: ['a'] } } }),
  },
  'collMod (validators, hidden indexes)': {
    ferretdb: false,
    run: async (db) => {
      await db.createCollection('v2');
      await db.command({ collMod: 'v2', validator: { a: { $exists: true } } });
    },
  },
  'multi-document transactions': {
    ferretdb: false,
    run: async (db, client) => {
      const session = client.startSession();
      try {
        await session.withTransaction(async () => {
          await db.collection('a').insertOne({ t: 1 }, { session });
        });
      } finally {
        await session.endSession();
      }
    },
  },
  'update with aggregation pipeline': {
    ferretdb: false,
    run: (db) => db.collection('a').updateMany({}, [{ $set: { copy: '$x' } }]),
  },
  arrayFilters: {
    ferretdb: false,
    run: (db) => db.collection('a').updateMany({}, { $set: { 'arr.$[e]': 1 } }, { arrayFilters: [{ e: 0 }] }),
  },
  '$out / $merge stages': {
    ferretdb: false,
    run: (db) =>
      db
        .collection('a')
        .aggregate([{ $out: 'o' }])
        .toArray(),
  },
  '$lookup stage': {
    ferretdb: false,
    run: (db) =>
      db
        .collection('a')
        .aggregate([{ $lookup: { from: 'u', localField: 'x', foreignField: 'e', as: 'j' } }])
        .toArray(),
  },
  'change streams': {
    ferretdb: false,
    run: async (db) => {
      const stream = db.collection('a').watch();
      try {
        await stream.tryNext();
      } finally {
        await stream.close();
      }
    },
  },
  killOp: { ferretdb: false, run: (db) => db.admin().command({ killOp: 1, op: 1 }) },
  // Why the Mongoose traffic test asserts "no lost write" on MongoDB only: FerretDB v1 loses
  // about half of these on either backend. handler/msg_update.go updateDocument reads the document
  // (Collection.Query, no transaction), applies the operators in Go, then UpdateAll writes the whole
  // document back by _id in a transaction of its own: nothing ties the write to what was read, so
  // no isolation level or pool setting can stop the second writer overwriting the first.
  'concurrent $set of two fields of one document keeps both (atomic updates)': {
    ferretdb: false,
    run: async (db) => {
      const c = db.collection('atomic');
      const n = 50;
      await c.insertMany(Array.from({ length: n }, (_, i) => ({ _id: i as never })));
      await Promise.all(
        Array.from({ length: n }, (_, i) => [
          c.updateOne({ _id: i as never }, { $set: { a: 1 } }),
          c.updateOne({ _id: i as never }, { $set: { b: 1 } }),
        ]).flat(),
      );
      const lost = await c.countDocuments({ $or: [{ a: { $exists: false } }, { b: { $exists: false } }] });
      if (lost > 0) throw new Error(`${lost} of ${n} documents lost one of two concurrent $set updates`);
    },
  },
};

describe('Mongo-wire server', () => {
  let mongo: MongoTestDatabase;
  let isFerret = false;
  beforeAll(async () => {
    mongo = await mongoTestDatabase();
    const info = await mongo.client.db('admin').command({ buildInfo: 1 });
    isFerret = Boolean(info.ferretdbVersion);
  });
  afterAll(() => mongo.drop());

  test('supports exactly the recorded commands (FerretDB) — the gaps later work must know', async () => {
    const db = mongo.client.db(mongo.name);
    const seen: string[] = [];
    const mismatches: string[] = [];
    for (const [name, probe] of Object.entries(probes)) {
      let supported = true;
      let why = '';
      try {
        await probe.run(db, mongo.client);
      } catch (error) {
        supported = false;
        why = (error as Error).message.split('\n')[0]!.slice(0, 100);
      }
      seen.push(`${supported ? 'supported  ' : 'UNSUPPORTED'} ${name}${why ? ` — ${why}` : ''}`);
      if (isFerret && supported !== probe.ferretdb)
        mismatches.push(`${name}: recorded ${probe.ferretdb}, now ${supported}`);
    }
    console.log(`\n${seen.join('\n')}`);
    assert.deepEqual(mismatches, [], 'FerretDB support changed: update the table here and docs/testing.md');
  });
});
