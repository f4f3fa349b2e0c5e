/**
 * Backup-on-rollback for destructive changes: `$unset` of a field and dropping a collection keep
 * the data in `ballast_backup_<id>` first; the migration's `down` restores it byte for byte (BSON
 * types included); purge follows retention.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FinishEvent } from '@ballast/core';
import { renderFinish } from '@ballast/core/adapter';
import {
  BACKUP_CATALOG,
  dropCollectionWithBackup,
  listMongoBackups,
  migrationStatus,
  purgeMongoBackups,
  restoreMongoBackup,
  runMigrations,
  unsetFieldWithBackup,
} from '@ballast/mongoose';
import { type MongoTestDatabase, mongoTestDatabase } from '@ballast/testkit';
import mongoose, { type Connection, type mongo as driver } from 'mongoose';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { BSON, RAW, values } from './fixtures/bson-values.js';

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

  test('copy and restore run on the batch loop: throttles pause them, progress counts documents', async () => {
    await db.collection('paced').insertMany([1, 2, 3, 4, 5].map((i) => ({ _id: i as never, old: i })));
    const events: FinishEvent[] = [];
    const progress = { update() {}, finish: (e: FinishEvent) => events.push(e) };
    let asked = 0;
    const waitOnce = () => (asked++ === 0 ? { waitMs: 1, reason: 'test throttle' } : undefined);
    const tuning = { initialBatchSize: 2, minBatchSize: 2, maxBatchSize: 2, progress, throttles: [waitOnce] };
    const pauses: string[] = [];
    const b = await unsetFieldWithBackup(db, 'paced', 'old', {
      ...tuning,
      onPause: (p) => pauses.push(p.reason),
    });
    assert.deepEqual(pauses, ['test throttle']);
    const [job] = await migrationStatus(db, `backup:${b._id}`);
    assert.deepEqual([job?.status, job?.rowsDone, job?.batches], ['done', 5, 3]);
    await restoreMongoBackup(db, b._id, tuning);
    assert.deepEqual(
      events.map((e) => renderFinish(e).replace(/ \(.*\)$/, '')),
      [
        `backed up 5 documents of ${db.databaseName}.paced`,
        `restored 5 documents of ${db.databaseName}.paced from its backup`,
      ],
    );
    assert.deepEqual(
      await db.collection('paced').find().sort({ _id: 1 }).toArray(),
      [1, 2, 3, 4, 5].map((i) => ({ _id: i, old: i })),
    );
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
