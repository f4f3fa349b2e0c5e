/**
 * $jsonSchema validators staged as moderate/warn, promoted to strict/error once every document
 * reached the version. FerretDB refuses validators: there the test asserts the clear refusal; the
 * full path runs on a real MongoDB (BALLAST_MONGO_URL).
 */
import assert from 'node:assert/strict';
import { promoteValidator, stageValidator, validatorOf } from '@ballast/mongoose';
import { type MongoTestDatabase, mongoTestDatabase } from '@ballast/testkit';
import mongoose, { type Connection, type mongo as driver } from 'mongoose';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { isFerretDb, NEEDS_MONGODB } from './fixtures/server.js';

const schema = {
  bsonType: 'object',
  required: ['email', 'schemaVersion'],
  properties: { email: { bsonType: 'string' }, schemaVersion: { bsonType: 'int' } },
};

describe('validators', () => {
  let mongo: MongoTestDatabase;
  let conn: Connection;
  let db: driver.Db;
  let ferret: boolean;
  beforeAll(async () => {
    mongo = await mongoTestDatabase('validators');
    conn = await mongoose.createConnection(mongo.url).asPromise();
    db = conn.db!;
    ferret = await isFerretDb(db);
    await db.collection('users').insertMany([
      { _id: 1 as never, name: 'old', schemaVersion: 1 },
      { _id: 2 as never, email: 'b@x', schemaVersion: 2 },
    ]);
  });
  afterAll(async () => {
    await conn.close();
    await mongo.drop();
  });

  test('FerretDB: staging is refused with what, which server and what to do; nothing changes', async (t) => {
    if (!ferret) return t.skip('MongoDB supports validators: the full path below runs instead');
    await assert.rejects(stageValidator(db, 'users', schema), (e: Error) => {
      assert.equal(e.name, 'UnsupportedServerError');
      assert.match(
        e.message,
        /^cannot stage a \$jsonSchema validator \(moderate\/warn\) on users: FerretDB v[\d.]+ refuses it \(.*not implemented/,
      );
      assert.match(e.message, /run this migration on MongoDB, or leave validation to the Mongoose schema/);
      return true;
    });
    assert.deepEqual(await validatorOf(db, 'users'), {
      validator: null,
      validationLevel: null,
      validationAction: null,
    });
  });

  test('stage warns, promote waits for every document at the version, then refuses bad writes', async (t) => {
    if (ferret) return t.skip(NEEDS_MONGODB);
    await stageValidator(db, 'users', schema);
    assert.deepEqual(await validatorOf(db, 'users'), {
      validator: { $jsonSchema: schema },
      validationLevel: 'moderate',
      validationAction: 'warn',
    });
    await db.collection('users').insertOne({ _id: 3 as never, name: 'no email, only warned' });
    await assert.rejects(
      promoteValidator(db, 'users', { version: 2 }),
      /cannot promote the validator of users: 2 documents are below schemaVersion 2 \(e\.g\. _id 1 at 1\)/,
    );
    await db.collection('users').deleteOne({ _id: 3 as never });
    await db.collection('users').updateOne({ _id: 1 as never }, { $set: { schemaVersion: 2 } });
    await assert.rejects(
      promoteValidator(db, 'users', { version: 2 }),
      /1 documents fail it \(e\.g\. _id 1\)/,
    );
    await db
      .collection('users')
      .updateOne({ _id: 1 as never }, { $set: { email: 'a@x' }, $unset: { name: '' } });
    await promoteValidator(db, 'users', { version: 2 });
    assert.equal((await validatorOf(db, 'users')).validationLevel, 'strict');
    assert.equal((await validatorOf(db, 'users')).validationAction, 'error');
    await assert.rejects(
      db.collection('users').insertOne({ name: 'refused' }),
      (e: { code?: number }) => e.code === 121,
    );
  });
});
