/**
 * The migrator lock (ballast_locks) between real concurrent runs: one applies, the other waits or
 * fails with a LockedError naming the holder; a crashed holder's lock expires after its TTL.
 */
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { freezePlan, LockedError, type Plan, planAddColumn, runPlan, withMigratorLock } from '@ballast/core';
import { afterAll, beforeAll, test } from 'vitest';
import { type PgFixture, pgFixture } from './support/pg.js';

let fx: PgFixture;
beforeAll(async () => {
  fx = await pgFixture('lock');
  await fx.sql('create table ml (id int primary key)');
});
afterAll(() => fx.close());

/** add column ml.<column>, preceded by a step that holds the run for `ms`. */
function slowPlan(column: string, ms: number): Plan {
  const add = planAddColumn({ table: 'ml', column, type: 'int' }, fx.server);
  return freezePlan({
    ...add,
    steps: [
      {
        kind: 'sql',
        id: `slow:${column}`,
        description: 'hold the run',
        lock: 'none',
        transactional: true,
        timeout: 'long',
        sql: 'select pg_sleep($1::float8 / 1000)',
        params: [ms],
      },
      ...add.steps,
    ],
  });
}

test('two concurrent runs under one lock name: one applies, the other fails cleanly naming the holder', async () => {
  const first = runPlan(fx.db, slowPlan('a', 1500), { lock: { name: 'deploy' } });
  await new Promise((r) => setTimeout(r, 300));
  const started = Date.now();
  await assert.rejects(
    runPlan(fx.db, slowPlan('a', 0), { lock: { name: 'deploy', waitMs: 400 } }),
    (error: unknown) => {
      assert.ok(error instanceof LockedError);
      assert.equal(error.lockName, 'deploy');
      assert.equal(error.holder.pid, process.pid);
      assert.equal(error.holder.host, hostname());
      assert.match(error.message, new RegExp(`held by pid ${process.pid} on `));
      return true;
    },
  );
  assert.ok(Date.now() - started >= 400, 'waited waitMs before failing');
  const report = await first;
  assert.ok(report.steps.every((s) => s.status === 'applied'));
});

test('a second run that may wait long enough runs after the first, and finds its work done', async () => {
  const order: string[] = [];
  const first = runPlan(fx.db, slowPlan('b', 1000), { lock: { name: 'deploy' } }).then((r) => {
    order.push('first');
    return r;
  });
  await new Promise((r) => setTimeout(r, 200));
  const second = runPlan(fx.db, slowPlan('b', 0), { lock: { name: 'deploy', waitMs: 10_000 } }).then((r) => {
    order.push('second');
    return r;
  });
  const [, r2] = await Promise.all([first, second]);
  assert.deepEqual(order, ['first', 'second']);
  assert.equal(r2.steps.at(-1)!.status, 'already-done');
});

test('the heartbeat keeps a lock held longer than its TTL', async () => {
  const holding = withMigratorLock(fx.db, 'hb', () => new Promise((r) => setTimeout(r, 1500)), {
    ttlMs: 400,
  });
  await new Promise((r) => setTimeout(r, 900));
  await assert.rejects(
    withMigratorLock(fx.db, 'hb', async () => {}, { waitMs: 200 }),
    LockedError,
  );
  await holding;
  await withMigratorLock(fx.db, 'hb', async () => {}, { waitMs: 0 });
});

test("a crashed holder's lock expires after its TTL", async () => {
  await fx.sql(
    `insert into ballast_locks (name, holder, pid, host, acquired_at, expires_at)
     values ('crash', 'gone', 999999, 'dead-host', now() - interval '1 hour', now() + interval '700 milliseconds')`,
  );
  await assert.rejects(
    withMigratorLock(fx.db, 'crash', async () => {}, { waitMs: 100 }),
    (error: unknown) => {
      assert.ok(error instanceof LockedError);
      assert.equal(error.holder.pid, 999999);
      assert.equal(error.holder.host, 'dead-host');
      assert.match(error.message, /expires by itself at/);
      return true;
    },
  );
  const value = await withMigratorLock(fx.db, 'crash', async () => 'ran', { waitMs: 5000 });
  assert.equal(value, 'ran');
  assert.deepEqual(await fx.sql("select * from ballast_locks where name = 'crash'"), []);
});

test('a nested run under the same lock name does not wait for itself', async () => {
  const value = await withMigratorLock(fx.db, 'ballast', () =>
    runPlan(fx.db, planAddColumn({ table: 'ml', column: 'nested', type: 'int' }, fx.server), {
      lock: { waitMs: 0 },
    }),
  );
  assert.equal(value.steps[0]!.status, 'applied');
});
