import assert from 'node:assert/strict';
import { InvalidArgumentError } from '@ballast/core';
import { type NewerDocument, versioned } from '@ballast/mongoose';
import { type MongoTestDatabase, mongoTestDatabase } from '@ballast/testkit';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { downgrades, personModel, upgrades } from './fixtures/people.js';

describe('versioned plugin', () => {
  let mongo: MongoTestDatabase;
  let conn: Connection;
  beforeAll(async () => {
    mongo = await mongoTestDatabase('plugin');
    conn = await mongoose.createConnection(mongo.url).asPromise();
  });
  afterAll(async () => {
    await conn.close();
    await mongo.drop();
  });
  const stored = (collection: string, id: number) =>
    conn.db!.collection(collection).findOne({ _id: id as never });

  test('options are checked: a missing step, a step beyond the version and unknown keys are named', () => {
    const schema = new mongoose.Schema({ name: String });
    assert.throws(
      () =>
        schema.plugin(versioned, {
          version: 3,
          upgrades: { 2: upgrades[2], 4: upgrades[3] },
          colour: 1,
        } as never),
      (e: unknown) => {
        assert.ok(e instanceof InvalidArgumentError, String(e));
        const lines = e.problems.map((p) => `${p.argument}: ${p.allowed}`);
        assert.ok(
          lines.some((l) => /options\.upgrades\.3: .*missing step to version 3/.test(l)),
          e.message,
        );
        assert.ok(
          lines.some((l) => /options\.upgrades\.4: .*no version 4/.test(l)),
          e.message,
        );
        assert.ok(
          lines.some((l) => /options\.colour/.test(l)),
          e.message,
        );
        return true;
      },
    );
    assert.throws(() => schema.plugin(versioned, { version: 0 } as never), InvalidArgumentError);
    assert.throws(
      () => schema.plugin(versioned, { version: 2, upgrades: { 2: 'x' } } as never),
      /upgrades\.2: given "x"; allowed: .*function/,
    );
  });

  test('a v1 document is upgraded when read and written at v3 (removed fields unset) by save', async () => {
    const People = personModel(conn, 'save');
    await conn.db!.collection('save').insertOne({ _id: 1 as never, name: 'Ada Lovelace' });
    const ada = await People.findById(1);
    assert.equal(ada?.display, 'LOVELACE, Ada');
    assert.equal(ada?.schemaVersion, 3);
    assert.deepEqual(await stored('save', 1), { _id: 1, name: 'Ada Lovelace' }, 'reading writes nothing');
    ada!.c0 = 7;
    await ada!.save();
    assert.deepEqual(await stored('save', 1), {
      _id: 1,
      first: 'Ada',
      last: 'Lovelace',
      display: 'LOVELACE, Ada',
      upgrades: 1,
      c0: 7,
      schemaVersion: 3,
    });
    const created = await People.create({ _id: 2, first: 'Alan', last: 'Turing' });
    assert.equal((await stored('save', created._id))?.schemaVersion, 3, 'new documents carry the version');
  });

  test('lean results are upgraded only when asked with lean({ upgrade: true })', async () => {
    const People = personModel(conn, 'lean');
    await conn.db!.collection('lean').insertOne({ _id: 1 as never, name: 'Grace Hopper', schemaVersion: 1 });
    assert.deepEqual(await People.findById(1).lean(), { _id: 1, name: 'Grace Hopper', schemaVersion: 1 });
    const [grace] = await People.find({ _id: 1 }).lean({ upgrade: true } as never);
    assert.deepEqual(grace, {
      _id: 1,
      first: 'Grace',
      last: 'Hopper',
      display: 'HOPPER, Grace',
      upgrades: 1,
      schemaVersion: 3,
    });
    assert.equal((await stored('lean', 1))?.schemaVersion, 1);
  });

  test('update queries convert the old documents they match first, then stamp the version', async () => {
    const People = personModel(conn, 'update');
    const raw = conn.db!.collection('update');
    await raw.insertMany([
      { _id: 1, name: 'Edsger Dijkstra' },
      { _id: 2, first: 'Barbara', last: 'Liskov', schemaVersion: 2 },
      { _id: 3, first: 'Ken', last: 'Thompson', display: 'THOMPSON, Ken', schemaVersion: 3 },
    ] as never[]);
    await People.updateOne({ _id: 1 }, { $set: { c1: 1 } });
    await People.updateMany({}, { $inc: { c2: 1 } });
    await People.findOneAndUpdate({ _id: 9 }, { $set: { first: 'New' } }, { upsert: true });
    assert.deepEqual(await raw.find().sort({ _id: 1 }).toArray(), [
      {
        _id: 1,
        first: 'Edsger',
        last: 'Dijkstra',
        display: 'DIJKSTRA, Edsger',
        upgrades: 1,
        schemaVersion: 3,
        c1: 1,
        c2: 1,
      },
      {
        _id: 2,
        first: 'Barbara',
        last: 'Liskov',
        display: 'LISKOV, Barbara',
        upgrades: 1,
        schemaVersion: 3,
        c2: 1,
      },
      { _id: 3, first: 'Ken', last: 'Thompson', display: 'THOMPSON, Ken', schemaVersion: 3, c2: 1 },
      { _id: 9, first: 'New', schemaVersion: 3, __v: 0 },
    ]);
  });

  test('a document newer than the code is reported and never moved back by save or update', async () => {
    const seen: NewerDocument[] = [];
    const People = personModel(conn, 'newer', { onNewerDocument: (d) => seen.push(d) });
    const raw = conn.db!.collection('newer');
    await raw.insertOne({
      _id: 1 as never,
      first: 'Future',
      last: 'Doc',
      extra: 'v4 field',
      schemaVersion: 4,
    });
    const doc = await People.findById(1);
    assert.deepEqual(seen, [{ model: 'Person_newer', id: 1, version: 4, codeVersion: 3 }]);
    doc!.c0 = 1;
    await doc!.save();
    await People.updateOne({ _id: 1 }, { $set: { c1: 2 } });
    assert.deepEqual(await stored('newer', 1), {
      _id: 1,
      first: 'Future',
      last: 'Doc',
      extra: 'v4 field',
      schemaVersion: 4,
      c0: 1,
      c1: 2,
    });
  });

  test('a projected read is returned as stored and its save does not stamp the version', async () => {
    const People = personModel(conn, 'projection');
    await conn.db!.collection('projection').insertOne({ _id: 1 as never, name: 'Donald Knuth', c0: 1 });
    const doc = await People.findById(1, 'c0');
    assert.equal(doc?.schemaVersion, undefined);
    doc!.c0 = 2;
    await doc!.save();
    assert.deepEqual(await stored('projection', 1), { _id: 1, name: 'Donald Knuth', c0: 2 });
  });

  test('a missing downgrade step is refused when the options are given', () => {
    const schema = new mongoose.Schema({ name: String });
    assert.throws(
      () => schema.plugin(versioned, { version: 3, upgrades, downgrades: { 3: downgrades[3] } }),
      /downgrades\.2: .*missing step to version 2/,
    );
  });
});
