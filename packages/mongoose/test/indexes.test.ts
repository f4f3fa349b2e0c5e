/**
 * Index changes from migration files: creation compared by definition (already done / conflict
 * naming both), build progress from currentOp where the server lists the build, and drop as
 * hide → observe → drop, refused with the reason where hiding is unsupported (FerretDB) unless
 * explicitly confirmed. The hiding path runs on a real MongoDB (BALLAST_MONGO_URL).
 */
import assert from 'node:assert/strict';
import { createIndex, DROP_WITHOUT_HIDING, dropIndex, type IndexBuildProgress } from '@ballast/mongoose';
import { type MongoTestDatabase, mongoTestDatabase } from '@ballast/testkit';
import mongoose, { type Connection, type mongo as driver } from 'mongoose';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { isFerretDb, NEEDS_MONGODB } from './fixtures/server.js';

describe('index helpers', () => {
  let mongo: MongoTestDatabase;
  let conn: Connection;
  let db: driver.Db;
  let ferret: boolean;
  const indexesOf = async (c: string) =>
    (await db.collection(c).listIndexes().toArray()).map((i) => ({
      name: i.name,
      key: i.key,
      ...(i.unique ? { unique: true } : {}),
      ...(i.hidden ? { hidden: true } : {}),
    }));
  beforeAll(async () => {
    mongo = await mongoTestDatabase('indexes');
    conn = await mongoose.createConnection(mongo.url).asPromise();
    db = conn.db!;
    ferret = await isFerretDb(db);
    await db
      .collection('people')
      .insertMany(Array.from({ length: 50 }, (_, i) => ({ email: `p${i}@x`, age: i })));
  });
  afterAll(async () => {
    await conn.close();
    await mongo.drop();
  });

  test('creates once; the same definition again is already done; progress is reported or said unavailable', async () => {
    const seen: IndexBuildProgress[] = [];
    const first = await createIndex(
      db,
      'people',
      { email: 1 },
      { onProgress: (p) => seen.push(p), pollMs: 20 },
    );
    assert.equal(first.status, 'created');
    assert.equal(first.name, 'email_1');
    assert.ok(first.progress);
    if (first.progress.available) assert.equal(seen.length, first.progress.reports);
    else assert.match(first.progress.reason, /currentOp/);
    if (ferret)
      assert.deepEqual(first.progress, {
        available: false,
        reason: 'the server listed no build of it in currentOp while it ran',
      });
    const again = await createIndex(db, 'people', { email: 1 });
    assert.deepEqual(again, { name: 'email_1', status: 'already-done', progress: null });
    assert.deepEqual(await indexesOf('people'), [
      { name: '_id_', key: { _id: 1 } },
      { name: 'email_1', key: { email: 1 } },
    ]);
  });

  test('same keys with other options, or same name with other keys, is refused naming both; nothing changes', async () => {
    // FerretDB would answer "ok" to this one and keep the plain index: the comparison catches it.
    await assert.rejects(
      createIndex(db, 'people', { email: 1 }, { unique: true }),
      (e: Error & Record<string, string>) => {
        assert.equal(e.name, 'ObjectConflictError');
        assert.equal(e.existing, 'people.email_1 { email: 1 }');
        assert.equal(e.requested, 'people.email_1 { email: 1 } unique');
        assert.match(
          e.message,
          /existing index people\.email_1 \{ email: 1 \} has the same keys but other options/,
        );
        return true;
      },
    );
    await assert.rejects(
      createIndex(db, 'people', { age: -1 }, { name: 'email_1' }),
      (e: Error & Record<string, string>) => {
        assert.equal(e.name, 'ObjectConflictError');
        assert.match(
          e.message,
          /cannot create index people\.email_1 \{ age: -1 \}: the existing index people\.email_1 \{ email: 1 \} has the same name but other keys/,
        );
        return true;
      },
    );
    await assert.rejects(
      createIndex(db, 'people', { email: 1 }, { name: 'by_email' }),
      /is the same index under another name/,
    );
    assert.deepEqual(
      (await indexesOf('people')).map((i) => i.name),
      ['_id_', 'email_1'],
    );
    await assert.rejects(createIndex(db, 'people', {}), { name: 'InvalidArgumentError' });
  });

  test('drop without hiding is refused with the reason where the server cannot hide; confirmed, it drops', async (t) => {
    if (!ferret)
      return t.skip('MongoDB hides indexes: the refusal is FerretDB-only (the hide path is tested below)');
    await createIndex(db, 'people', { age: 1 });
    await assert.rejects(dropIndex(db, 'people', 'age_1', { observeMs: 0 }), (e: Error) => {
      assert.equal(e.name, 'UnsupportedServerError');
      assert.match(
        e.message,
        /cannot drop index people\.age_1 \{ age: 1 \} safely: hiding it first \(collMod hidden\) is unsupported: FerretDB v[\d.]+ refuses it \(.*collMod.*not implemented/,
      );
      assert.match(e.message, /pass \{ confirm: 'drop-without-hiding' \} to drop it at once/);
      return true;
    });
    assert.ok(
      (await indexesOf('people')).some((i) => i.name === 'age_1'),
      'the refused drop kept the index',
    );
    const dropped = await dropIndex(db, 'people', 'age_1', { confirm: DROP_WITHOUT_HIDING });
    assert.equal(dropped.status, 'dropped');
    assert.equal(dropped.hidden, false);
    assert.deepEqual(dropped.dropped?.key, { age: 1 });
    assert.ok(!(await indexesOf('people')).some((i) => i.name === 'age_1'));
    assert.deepEqual(await dropIndex(db, 'people', 'age_1'), {
      status: 'already-done',
      hidden: false,
      dropped: null,
    });
  });

  test('drop hides, observes, then drops; an index unhidden while observed is kept', async (t) => {
    if (ferret) return t.skip(NEEDS_MONGODB);
    await createIndex(db, 'people', { age: 1 });
    const dropped = await dropIndex(db, 'people', 'age_1', { observeMs: 0 });
    assert.equal(dropped.hidden, true);
    assert.ok(!(await indexesOf('people')).some((i) => i.name === 'age_1'));
    await createIndex(db, 'people', { age: 1 });
    const dropping = dropIndex(db, 'people', 'age_1', { observeMs: 3000 });
    // An operator unhides it during the observation window.
    for (;;) {
      if ((await indexesOf('people')).find((i) => i.name === 'age_1')?.hidden) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await db.command({ collMod: 'people', index: { name: 'age_1', hidden: false } });
    await assert.rejects(dropping, /index people\.age_1 was unhidden while observed: not dropped/);
    assert.ok((await indexesOf('people')).some((i) => i.name === 'age_1'));
  });
});
