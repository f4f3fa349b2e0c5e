import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { migrateCollection, migrationStatus } from '@ballast/mongoose';
import { type MongoTestDatabase, mongoTestDatabase } from '@ballast/testkit';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, test } from 'vitest';
import { runAndKill } from './fixtures/kill.js';
import { personModel, seedV1 } from './fixtures/people.js';

const CHILD = fileURLToPath(new URL('./fixtures/migrate-child.ts', import.meta.url));
// FerretDB applies ~30 updates/s per client here; a real MongoDB takes 100k (set the env var).
const DOCS = Number(process.env.BALLAST_MONGO_CRASH_DOCS ?? 600);
const BATCH = Math.max(20, Math.floor(DOCS / 30));
const TRIALS = 6;

let mongo: MongoTestDatabase;
let conn: Connection;
beforeAll(async () => {
  mongo = await mongoTestDatabase('crash');
  conn = await mongoose.createConnection(mongo.url).asPromise();
});
afterAll(async () => {
  await conn.close();
  await mongo.drop();
});

test(`kill -9 at ${TRIALS} random points, rerun: every document upgraded exactly once`, {
  timeout: 150_000,
}, async () => {
  await seedV1(conn, 'people', DOCS);
  const points: string[] = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    const batches = 1 + Math.floor(Math.random() * 3);
    const delayMs = Math.floor(Math.random() * 60);
    const { killed, seen } = await runAndKill(CHILD, [mongo.url, 'people', String(BATCH)], batches, delayMs);
    points.push(`${batches} batches + ${delayMs} ms (saw ${seen})`);
    assert.ok(killed, `trial ${trial} should be killed before finishing: ${points.join('; ')}`);
  }
  const [checkpoint] = await migrationStatus(conn.db!, 'crash-people');
  assert.equal(checkpoint?.status, 'running', 'the last run was killed, not finished');

  const result = await migrateCollection(personModel(conn, 'people'), { job: 'crash-people' });
  assert.equal(result.status, 'done', points.join('; '));
  assert.equal(result.resumed, true);
  const raw = conn.db!.collection('people');
  // `upgrades` is incremented by the v2→v3 step: 2 anywhere would mean a document converted twice.
  const histogram = await raw.aggregate([{ $group: { _id: '$upgrades', n: { $sum: 1 } } }]).toArray();
  assert.deepEqual(histogram, [{ _id: 1, n: DOCS }], points.join('; '));
  assert.equal(await raw.countDocuments({ schemaVersion: 3, name: { $exists: false } }), DOCS);
});
