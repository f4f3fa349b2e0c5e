import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LEDGER_COLLECTION,
  MIGRATIONS_LOCK,
  MigrationFailedError,
  migrationsStatus,
  mongoLockStore,
  runMigrations,
} from '@ballast/mongoose';
import { type MongoTestDatabase, mongoTestDatabase } from '@ballast/testkit';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, test } from 'vitest';

/** A folder of migration files: name → source. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-mongo-migrations-'));
  for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
  return dir;
}

const FLAG = `
export async function up(ctx) { await ctx.db.collection('items').updateMany({}, { $set: { flag: true } }); }
export async function down(ctx) { await ctx.db.collection('items').updateMany({}, { $unset: { flag: '' } }); }
`;
const MARKER = `
import type { MigrationContext } from '@ballast/mongoose';
export async function up(ctx: MigrationContext) { await ctx.db.collection('items').insertOne({ _id: 'marker' as never }); }
export async function down(ctx: MigrationContext) { await ctx.db.collection('items').deleteOne({ _id: 'marker' as never }); }
`;

describe('migration files, ledger and lock', () => {
  let mongo: MongoTestDatabase;
  let conn: Connection;
  const dirs: string[] = [];
  beforeAll(async () => {
    mongo = await mongoTestDatabase('migrations');
    conn = await mongoose.createConnection(mongo.url).asPromise();
  });
  afterAll(async () => {
    await conn.close();
    await mongo.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('up applies pending files in name order and records them; rerun does nothing; down reverts the newest', async () => {
    const dir = folder({ '001-flag.mjs': FLAG, '002-marker.ts': MARKER, 'README.md': 'not a migration' });
    dirs.push(dir);
    const items = conn.db!.collection('items');
    await items.insertMany([{ _id: 1 as never }, { _id: 2 as never }]);

    assert.deepEqual(await runMigrations(conn, { dir }), ['001-flag', '002-marker']);
    assert.deepEqual(await items.find().sort({ _id: 1 }).toArray(), [
      { _id: 1, flag: true },
      { _id: 2, flag: true },
      { _id: 'marker' },
    ]);
    const entries = await conn.db!.collection(LEDGER_COLLECTION).find().sort({ _id: 1 }).toArray();
    assert.deepEqual(
      entries.map((e) => [
        e._id,
        e.success,
        e.error_message,
        typeof e.execution_time_ms,
        e.applied_at instanceof Date,
      ]),
      [
        ['001-flag', true, null, 'number', true],
        ['002-marker', true, null, 'number', true],
      ],
    );
    assert.deepEqual(await runMigrations(conn, { dir }), []);

    assert.deepEqual(await runMigrations(conn, { dir, direction: 'down' }), ['002-marker']);
    assert.equal(await items.countDocuments({ _id: 'marker' as never }), 0);
    assert.deepEqual(
      (await migrationsStatus(conn, dir)).map((s) => [s.version, s.applied]),
      [
        ['001-flag', true],
        ['002-marker', false],
      ],
    );
    assert.deepEqual(await runMigrations(conn, { dir, direction: 'down', steps: 5 }), ['001-flag']);
    assert.equal(await items.countDocuments({ flag: true }), 0);
    assert.equal(await conn.db!.collection(LEDGER_COLLECTION).countDocuments(), 0);
  });

  test('a failing file is recorded with its error, stops the run, and is retried by the next run', async () => {
    await conn.db!.collection(LEDGER_COLLECTION).deleteMany({});
    const dir = folder({
      '001-flag.mjs': FLAG,
      '002-boom.mjs': `export async function up() { throw new Error('boom'); }`,
      '003-marker.ts': MARKER,
    });
    dirs.push(dir);
    await assert.rejects(
      runMigrations(conn, { dir }),
      (e: unknown) => e instanceof MigrationFailedError && e.version === '002-boom' && /boom/.test(e.message),
    );
    const status = await migrationsStatus(conn, dir);
    assert.deepEqual(
      status.map((s) => [s.version, s.applied, s.error ?? null]),
      [
        ['001-flag', true, null],
        ['002-boom', false, 'boom'],
        ['003-marker', false, null],
      ],
    );
    await assert.rejects(runMigrations(conn, { dir }), MigrationFailedError);
    assert.equal(await conn.db!.collection('items').countDocuments({ _id: 'marker' as never }), 0);
  });

  test('a second runner meets the lock and applies nothing; a file without down() is refused before reverting', async () => {
    await conn.db!.collection(LEDGER_COLLECTION).deleteMany({});
    const dir = folder({
      '001-only-up.mjs': `export async function up(ctx) { await ctx.db.collection('x').insertOne({ a: 1 }); }`,
    });
    dirs.push(dir);
    const other = await holdLock(conn);
    await assert.rejects(runMigrations(conn, { dir }), { name: 'LockedError' });
    assert.equal(await conn.db!.collection('x').countDocuments(), 0);
    await other.release();
    assert.deepEqual(await runMigrations(conn, { dir }), ['001-only-up']);
    await assert.rejects(
      runMigrations(conn, { dir, direction: 'down' }),
      /cannot revert 001-only-up: no down\(\) exported/,
    );
    assert.equal(await conn.db!.collection('x').countDocuments(), 1);
    await assert.rejects(runMigrations(conn, { dir, steps: 0 }), /steps/);
  });
});

/** Holds the migrations lock as another deploy would (this process's pid and host), until release(). */
async function holdLock(connection: Connection) {
  const store = mongoLockStore(connection.db!);
  const request = {
    name: MIGRATIONS_LOCK,
    holder: 'other-deploy',
    pid: process.pid,
    host: hostname(),
    ttlMs: 60_000,
  };
  assert.ok(await store.acquire(request));
  return { release: () => store.release(request) };
}
