/**
 * The migrator lock on MySQL/MariaDB (BALLAST_SERVERS=postgres,mysql): GET_LOCK held on one
 * connection for the run. A second migrator is refused naming the holder; a holder killed with
 * kill -9 loses the lock with its connection, so the next migrator runs without waiting for a TTL.
 */
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { LockedError, planAddColumn, readServerInfo, runPlan, withMigratorLock } from '@ballast/core';
import { afterAll, beforeAll, test } from 'vitest';
import { childHoldingLock } from './support/lock-child.js';
import { type MysqlFixture, mysqlFixture } from './support/mysql.js';

const CHILD = fileURLToPath(new URL('./fixtures/mysql-lock-child.ts', import.meta.url));

let fx: MysqlFixture;
beforeAll(async () => {
  fx = await mysqlFixture('mylock');
});
afterAll(() => fx.close());

/** The connection the server says holds lock `name` of this database (GET_LOCK), or null. */
const lockOwner = async (name: string) =>
  (
    await fx.sql<{ id: number | null }>("select is_used_lock(concat('ballast:', database(), ':', ?)) as id", [
      name,
    ])
  )[0]!.id;

test('a second migrator is refused naming the holder; the lock is one GET_LOCK, released at the end', async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let entered!: (id: number | null) => void;
  const inside = new Promise<number | null>((resolve) => {
    entered = resolve;
  });
  const first = withMigratorLock(fx.db, 'm', async () => {
    entered(await lockOwner('m'));
    await held;
  });
  const owner = await inside;
  assert.ok(owner !== null, 'GET_LOCK is held while the first migrator runs');
  const second = await withMigratorLock(fx.db, 'm', async () => 'ran', { waitMs: 300 }).catch(
    (e: unknown) => e,
  );
  assert.ok(second instanceof LockedError, String(second));
  assert.equal(second.holder.pid, process.pid);
  assert.equal(second.holder.host, hostname());
  assert.equal(second.holder.expiresAt, null, 'no TTL');
  assert.match(
    second.message,
    new RegExp(`^migrator lock "m" is held by pid ${process.pid} on .+ \\(connection ${owner}\\) since `),
  );
  assert.match(second.details.hint ?? '', new RegExp(`ends with its holder's connection ${owner}`));
  release();
  await first;
  assert.equal(await lockOwner('m'), null, 'released');
  assert.deepEqual(await fx.sql("select name from ballast_locks where name = 'm'"), []);

  const server = await fx.db.withSession(readServerInfo);
  await fx.sql('create table locked (id int primary key) engine=InnoDB');
  const plan = planAddColumn({ table: 'locked', column: 'v', type: 'int' }, server);
  let done!: () => void;
  let holding!: () => void;
  const taken = new Promise<void>((resolve) => {
    holding = resolve;
  });
  const other = withMigratorLock(fx.db, 'ballast', async () => {
    holding();
    await new Promise<void>((resolve) => {
      done = resolve;
    });
  });
  await taken;
  const blocked = await runPlan(fx.db, plan, { lock: { waitMs: 300 } }).catch((e: unknown) => e);
  done();
  await other;
  assert.ok(blocked instanceof LockedError, `runPlan takes the lock by default: ${String(blocked)}`);
  const report = await runPlan(fx.db, plan);
  assert.deepEqual(
    report.steps.map((s) => s.status),
    ['applied'],
  );
  assert.equal(await lockOwner('ballast'), null);
});

test('a holder killed with kill -9 loses the lock with its connection: the next migrator runs', async () => {
  const child = await childHoldingLock(CHILD, fx.test.url, 'killed');
  const refused = await withMigratorLock(fx.db, 'killed', async () => {}, { waitMs: 300 }).catch(
    (e: unknown) => e,
  );
  assert.ok(refused instanceof LockedError, String(refused));
  assert.equal(refused.holder.pid, child.pid);
  await child.kill();
  // The server drops the lock once it sees the socket closed: no TTL, no manual cleanup.
  const value = await withMigratorLock(fx.db, 'killed', async () => lockOwner('killed'), { waitMs: 10_000 });
  assert.ok(value !== null);
  const rows = await fx.sql<{ pid: number }>("select pid from ballast_locks where name = 'killed'");
  assert.deepEqual(rows, [], "the killed holder's row was replaced, then released");
});
