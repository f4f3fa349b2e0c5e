/**
 * kill -9 of a Mongo backup copy (the `$unset` of a field) and of its restore, mid-way, several
 * times: the rerun carries on the same backup from its checkpoint; every value ends up backed up
 * once, unset everywhere, and the restore puts each back byte for byte (BSON types included).
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import {
  listMongoBackups,
  migrationStatus,
  restoreMongoBackup,
  unsetFieldWithBackup,
} from '@ballast/mongoose';
import { type MongoTestDatabase, mongoTestDatabase } from '@ballast/testkit';
import mongoose, { type Connection, type mongo as driver } from 'mongoose';
import { afterAll, beforeAll, test } from 'vitest';
import { BSON, RAW, values } from './fixtures/bson-values.js';
import { runAndKill } from './fixtures/kill.js';
import { isFerretDb } from './fixtures/server.js';

const CHILD = fileURLToPath(new URL('./fixtures/backup-child.ts', import.meta.url));
// Each document costs two writes (copy, unset); FerretDB applies ~30 a second per client here.
const DOCS = Number(process.env.BALLAST_MONGO_CRASH_DOCS ?? 240);
const BATCH = Math.max(10, Math.floor(DOCS / 20));
const TRIALS = 3;
// The reruns use the default batch size (one batch of all the rest): FerretDB stalled on such
// large bulk writes before they were chunked.

let mongo: MongoTestDatabase;
let conn: Connection;
let db: driver.Db;
beforeAll(async () => {
  mongo = await mongoTestDatabase('backup-crash');
  conn = await mongoose.createConnection(mongo.url).asPromise();
  db = conn.db!;
});
afterAll(async () => {
  await conn.close();
  await mongo.drop();
});

/** Each document's `legacy` value serialized (null when it has none), read without promotion. */
const legacyBytes = async () =>
  (await db.collection('legacy_things').find({}, RAW).sort({ _id: 1 }).toArray()).map((d) =>
    'legacy' in d ? Buffer.from(BSON.serialize({ v: d.legacy })).toString('hex') : null,
  );

/** Kills the child at `TRIALS` random points; returns where, for assertion messages. */
async function killRepeatedly(mode: 'unset' | 'restore'): Promise<string> {
  const points: string[] = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    const batches = 1 + Math.floor(Math.random() * 3);
    const delayMs = Math.floor(Math.random() * 60);
    const args = [mongo.url, mode, 'legacy_things', 'legacy', String(BATCH)];
    const { killed, seen } = await runAndKill(CHILD, args, batches, delayMs);
    points.push(`${mode}: ${batches} batches + ${delayMs} ms (saw ${seen})`);
    assert.ok(killed, `trial ${trial} should be killed before finishing: ${points.join('; ')}`);
  }
  return points.join('; ');
}

test(`kill -9 of the backup copy and of its restore, ${TRIALS} times each: reruns finish, every value back byte for byte`, {
  timeout: 240_000,
}, async () => {
  const kinds = values(await isFerretDb(db));
  await db.collection('legacy_things').insertMany(
    Array.from({ length: DOCS }, (_, i) => ({
      _id: i as never,
      name: `t${i}`,
      legacy: kinds[i % kinds.length],
    })),
  );
  const before = await legacyBytes();

  const unsetPoints = await killRepeatedly('unset');
  const [copying, ...others] = await listMongoBackups(db);
  assert.equal(others.length, 0, `one backup for all the killed runs: ${unsetPoints}`);
  assert.equal(copying?.status, 'copying');
  const [copyJob] = await migrationStatus(db, `backup:${copying!._id}`);
  assert.equal(copyJob?.status, 'running', 'the copy is checkpointed on the batch loop, killed mid-way');
  assert.ok(copyJob!.batches > 0 && copyJob!.rowsDone < DOCS, `checkpoint ${JSON.stringify(copyJob)}`);

  const ready = await unsetFieldWithBackup(db, 'legacy_things', 'legacy', {
    migration: 'crash-legacy_things',
  });
  assert.equal(ready._id, copying!._id, 'the rerun carries on the same backup');
  assert.equal(ready.documents, DOCS);
  assert.equal((await migrationStatus(db, `backup:${ready._id}`))[0]?.status, 'done');
  assert.equal(await db.collection('legacy_things').countDocuments({ legacy: { $exists: true } }), 0);
  // Backed up once each: one entry per document, holding exactly the value it had.
  const copies = await db.collection(ready.backupCollection).find({}, RAW).sort({ _id: 1 }).toArray();
  assert.deepEqual(
    copies.map((c) => Number(c._id)),
    Array.from({ length: DOCS }, (_, i) => i),
  );
  assert.deepEqual(
    copies.map((c) => Buffer.from(BSON.serialize({ v: c.v })).toString('hex')),
    before,
    unsetPoints,
  );

  const restorePoints = await killRepeatedly('restore');
  const [restoreJob] = await migrationStatus(db, `restore:${ready._id}`);
  assert.equal(restoreJob?.status, 'running', 'the restore is checkpointed too, killed mid-way');
  const restored = await restoreMongoBackup(db, { migration: 'crash-legacy_things' });
  assert.deepEqual(
    restored.map((b) => [b._id, b.status]),
    [[ready._id, 'restored']],
  );
  assert.deepEqual(await legacyBytes(), before, restorePoints);
  assert.equal((await db.listCollections({ name: ready.backupCollection }).toArray()).length, 0);
});
