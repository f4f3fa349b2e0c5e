/** `ballast mongo up|down|status` as a process, on the harness's Mongo-wire server. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  LEDGER_COLLECTION,
  MIGRATIONS_LOCK,
  mongoLockStore,
  purgeMongoBackups,
  unsetFieldWithBackup,
} from '@ballast/mongoose';
import { type MongoTestDatabase, mongoTestDatabase } from '@ballast/testkit';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, test } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'packages/cli/src/bin.ts');

/** Async (not spawnSync): the test's own lock heartbeat must keep running meanwhile. */
function ballast(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--conditions=ballast-source', '--import', 'tsx', bin, ...args], {
    cwd: root,
    env: { ...process.env, MONGO_URL: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

let mongo: MongoTestDatabase;
let conn: Connection;
const dir = mkdtempSync(join(tmpdir(), 'ballast-mongo-cli-'));
beforeAll(async () => {
  mongo = await mongoTestDatabase('cli');
  conn = await mongoose.createConnection(mongo.url).asPromise();
  writeFileSync(
    join(dir, '001-seed.mjs'),
    `export async function up(ctx) { await ctx.db.collection('things').insertOne({ _id: 'seed' }); }
export async function down(ctx) { await ctx.db.collection('things').deleteOne({ _id: 'seed' }); }
`,
  );
});
afterAll(async () => {
  await conn.close();
  await mongo.drop();
  rmSync(dir, { recursive: true, force: true });
});

test('--help prints the usage; a wrong command or a missing URL is a usage error (2)', async () => {
  const help = await ballast('mongo', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: ballast mongo <up\|down\|status\|backups>/);
  const wrong = await ballast('mongo', 'sideways', '--url', mongo.url);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /expected one of up, down, status, backups; got sideways/);
  const noUrl = await ballast('mongo', 'up', '--dir', dir);
  assert.equal(noUrl.code, 2);
  assert.match(noUrl.stderr, /no database: pass --url or set MONGO_URL/);
});

test('up applies, status lists, down reverts; a held lock fails with 1 and applies nothing', async () => {
  const other = await holdLock(conn);
  const locked = await ballast('mongo', 'up', '--url', mongo.url, '--dir', dir);
  assert.equal(locked.code, 1);
  assert.match(locked.stderr, new RegExp(`held by pid ${process.pid} on `));
  assert.equal(await conn.db!.collection('things').countDocuments(), 0);
  await other.release();

  const up = await ballast('mongo', 'up', '--url', mongo.url, '--dir', dir);
  assert.equal(up.code, 0, up.stderr);
  assert.equal(up.stdout, 'applied  001-seed\n');
  assert.equal(await conn.db!.collection('things').countDocuments({ _id: 'seed' as never }), 1);
  const status = await ballast('mongo', 'status', '--url', mongo.url, '--dir', dir, '--json');
  assert.deepEqual(
    JSON.parse(status.stdout).map((s: { version: string; applied: boolean }) => [s.version, s.applied]),
    [['001-seed', true]],
  );
  const down = await ballast('mongo', 'down', '--url', mongo.url, '--dir', dir);
  assert.equal(down.stdout, 'reverted  001-seed\n');
  assert.equal(await conn.db!.collection(LEDGER_COLLECTION).countDocuments(), 0);
  assert.equal(await conn.db!.collection('things').countDocuments(), 0);
});

test('backups lists the Mongo backup catalog (--all: history too)', async () => {
  const none = await ballast('mongo', 'backups', '--url', mongo.url);
  assert.equal(none.code, 0, none.stderr);
  assert.equal(none.stdout, 'no backups\n');
  await conn.db!.collection('legacy').insertMany([{ old: 1 }, { old: 2 }]);
  const b = await unsetFieldWithBackup(conn.db!, 'legacy', 'old', { migration: '007-contract' });
  const listed = await ballast('mongo', 'backups', '--url', mongo.url);
  assert.equal(
    listed.stdout,
    `${b._id}  ready  field  legacy.old  2 documents in ${b.backupCollection}  expires ${b.expiresAt.toISOString()}  (007-contract)\n`,
  );
  await purgeMongoBackups(conn.db!);
  const json = await ballast('mongo', 'backups', '--url', mongo.url, '--all', '--json');
  assert.deepEqual(
    JSON.parse(json.stdout).map((r: { _id: number; status: string }) => [r._id, r.status]),
    [[b._id, 'purged']],
  );
  assert.equal((await ballast('mongo', 'backups', '--url', mongo.url)).stdout, 'no backups\n');
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
