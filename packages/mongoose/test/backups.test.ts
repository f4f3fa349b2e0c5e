/**
 * Backup-on-rollback for destructive changes: `$unset` of a field and dropping a collection keep
 * the data in `ballast_backup_<id>` first; the migration's `down` restores it byte for byte (BSON
 * types included); purge follows retention.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BACKUP_CATALOG,
  dropCollectionWithBackup,
  listMongoBackups,
  purgeMongoBackups,
  restoreMongoBackup,
  runMigrations,
  unsetFieldWithBackup,
} from '@ballast/mongoose';
import { type MongoTestDatabase, mongoTestDatabase } from '@ballast/testkit';
import mongoose, { type Connection, mongo as driver } from 'mongoose';
import { afterAll, beforeAll, describe, test } from 'vitest';

const { BSON } = driver;
const RAW = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

/** One value of each BSON type a field may hold, nested ones included. */
function values(ferret: boolean): unknown[] {
  const all: unknown[] = [
    new Date('2026-01-02T03:04:05.678Z'),
    new BSON.ObjectId('65a1b2c3d4e5f60718293a4b'),
    new BSON.Binary(Buffer.from([0, 1, 2, 254, 255]), 0),
    new BSON.Binary(Buffer.from('0123456789abcdef'), 4),
    new BSON.Double(1),
    new BSON.Int32(7),
    BSON.Long.fromString('9007199254740993'),
    { nested: { at: new Date(0), n: new BSON.Double(2.5), list: [new BSON.Int32(1), 'two', null] } },
    'text',
    null,
  ];
  // FerretDB v1.24 drops the connection on a Decimal128; MongoDB (BALLAST_MONGO_URL) checks it too.
  if (!ferret) all.push(BSON.Decimal128.fromString('12345.678900000000000001'));
  return all;
}

const CONTRACT = `
export async function up(ctx) {
  await ctx.backups.unsetField('things', 'legacy', { initialBatchSize: 4, minBatchSize: 4, maxBatchSize: 4 });
  await ctx.backups.dropCollection('old_stuff');
}
export async function down(ctx) { await ctx.backups.restore(); }
`;

describe('backup-on-rollback', () => {
  let mongo: MongoTestDatabase;
  let conn: Connection;
  let db: driver.Db;
  let dir: string;
  let ferret: boolean;
  /** Each document's serialized bytes, read without promoting any BSON value. */
  const bytesOf = async (c: string) =>
    (await db.collection(c).find({}, RAW).sort({ _id: 1 }).toArray()).map((d) =>
      Buffer.from(BSON.serialize(d)).toString('hex'),
    );
  const legacyBytes = async () =>
    (await db.collection('things').find({}, RAW).sort({ _id: 1 }).toArray()).map((d) =>
      'legacy' in d ? Buffer.from(BSON.serialize({ v: d.legacy })).toString('hex') : null,
    );
  beforeAll(async () => {
    mongo = await mongoTestDatabase('backups');
    conn = await mongoose.createConnection(mongo.url).asPromise();
    db = conn.db!;
    ferret = Boolean((await db.admin().command({ buildInfo: 1 })).ferretdbVersion);
    dir = mkdtempSync(join(tmpdir(), 'ballast-mongo-backups-'));
    writeFileSync(join(dir, '001-contract.mjs'), CONTRACT);
  });
  afterAll(async () => {
    await conn.close();
    await mongo.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('unset and drop keep the data; down restores it byte for byte', async () => {
    const vals = values(ferret);
    await db
      .collection('things')
      .insertMany([
        ...vals.map((legacy, i) => ({ _id: i as never, name: `t${i}`, legacy })),
        { _id: 100 as never, name: 'never had it' },
      ]);
    await db.collection('old_stuff').insertMany(vals.map((v, i) => ({ _id: i as never, v })));
    await db.collection('old_stuff').createIndex({ v: 1 }, { name: 'by_v' });
    const legacyBefore = await legacyBytes();
    const oldBefore = await bytesOf('old_stuff');

    assert.deepEqual(await runMigrations(conn, { dir }), ['001-contract']);
    assert.equal(await db.collection('things').countDocuments({ legacy: { $exists: true } }), 0);
    assert.equal(await db.collection('things').countDocuments(), vals.length + 1);
    assert.equal((await db.listCollections({ name: 'old_stuff' }).toArray()).length, 0);
    const backups = await listMongoBackups(db);
    assert.deepEqual(
      backups.map((b) => [b.kind, b.status, b.sourceCollection, b.sourceField, b.documents, b.migration]),
      [
        ['field', 'ready', 'things', 'legacy', vals.length, '001-contract'],
        ['collection', 'ready', 'old_stuff', null, vals.length, '001-contract'],
      ],
    );
    assert.match(backups[0]!.backupCollection, /^ballast_backup_\d+$/);
    assert.equal(backups[0]!.expiresAt.getTime() - backups[0]!.createdAt.getTime(), 7 * 86_400_000);

    assert.deepEqual(await runMigrations(conn, { dir, direction: 'down' }), ['001-contract']);
    assert.deepEqual(await legacyBytes(), legacyBefore);
    assert.deepEqual(await bytesOf('old_stuff'), oldBefore);
    const indexes = await db.collection('old_stuff').listIndexes().toArray();
    assert.ok(
      indexes.some((i) => i.name === 'by_v'),
      'the set-aside collection kept its indexes',
    );
    const history = await listMongoBackups(db, { includeHistory: true });
    assert.deepEqual(
      history.map((b) => b.status),
      ['restored', 'restored'],
    );
    assert.equal((await db.listCollections({ name: backups[0]!.backupCollection }).toArray()).length, 0);
  });

  test('a run that died mid-way is carried on in the same backup, so one restore puts back every value', async () => {
    await db.collection('half').insertMany([
      { _id: 1 as never, f: 'copied, then unset by the dead run' },
      { _id: 2 as never, f: 'still there' },
    ]);
    const dead = await unsetFieldWithBackup(db, 'half', 'f', { migration: '009-dead' });
    // Rewind to the state a kill -9 between two rounds leaves: entry `copying`, doc 1 done, doc 2 not.
    await db
      .collection(BACKUP_CATALOG)
      .updateOne({ _id: dead._id as never }, { $set: { status: 'copying', documents: null } });
    await db.collection(dead.backupCollection).deleteOne({ _id: 2 as never });
    await db.collection('half').updateOne({ _id: 2 as never }, { $set: { f: 'still there' } });
    const rerun = await unsetFieldWithBackup(db, 'half', 'f', { migration: '009-dead' });
    assert.equal(rerun._id, dead._id);
    assert.equal(rerun.documents, 2);
    await restoreMongoBackup(db, { migration: '009-dead' });
    assert.deepEqual(await db.collection('half').find().sort({ _id: 1 }).toArray(), [
      { _id: 1, f: 'copied, then unset by the dead run' },
      { _id: 2, f: 'still there' },
    ]);
  });

  test('a collection renamed by a run that died before marking its backup is completed by the rerun', async () => {
    await db.collection('gone').insertOne({ _id: 1 as never, keep: 'me' });
    const dead = await dropCollectionWithBackup(db, 'gone', { migration: '010-dead' });
    await db
      .collection(BACKUP_CATALOG)
      .updateOne({ _id: dead!._id as never }, { $set: { status: 'copying', documents: null } });
    const rerun = await dropCollectionWithBackup(db, 'gone', { migration: '010-dead' });
    assert.equal(rerun?._id, dead!._id);
    assert.equal(rerun?.status, 'ready');
    await restoreMongoBackup(db, { migration: '010-dead' });
    assert.deepEqual(await db.collection('gone').find().toArray(), [{ _id: 1, keep: 'me' }]);
    assert.equal(await dropCollectionWithBackup(db, 'never-there'), null);
  });

  test('purge honours retention: expired backups only, their data dropped, the catalog keeps the history', async () => {
    await db.collection('temp').insertMany([{ _id: 1 as never, gone: 'x' }]);
    const b = await unsetFieldWithBackup(db, 'temp', 'gone', { retentionDays: 1 });
    assert.deepEqual(await purgeMongoBackups(db, { expiredOnly: true }), []);
    assert.equal(await db.collection(b.backupCollection).countDocuments(), 1);
    const later = new Date(Date.now() + 2 * 86_400_000);
    const purged = await purgeMongoBackups(db, { expiredOnly: true, now: later });
    assert.deepEqual(
      purged.map((p) => p._id),
      [b._id],
    );
    assert.equal((await db.listCollections({ name: b.backupCollection }).toArray()).length, 0);
    const entry = await db.collection(BACKUP_CATALOG).findOne({ _id: b._id as never });
    assert.equal(entry?.status, 'purged');
  });
});
