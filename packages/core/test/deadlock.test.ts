/**
 * A real deadlock against a step: an application transaction holds a lock on the referenced
 * table, the foreign-key step locks the referencing table and waits for it, and then the
 * application asks for the referencing table. PostgreSQL breaks the cycle by rolling our step
 * back (40P01); the runner logs it and retries with the lock-timeout backoff.
 */
import assert from 'node:assert/strict';
import { planAddForeignKey, runPlan, StepFailedError } from '@ballast/core';
import { connect, type SqlConnection } from '@ballast/testkit';
import { afterAll, beforeAll, test } from 'vitest';
import { logLines, type PgFixture, pgFixture } from './support/pg.js';

let fx: PgFixture;
beforeAll(async () => {
  fx = await pgFixture('deadlock');
});
afterAll(() => fx.close());

/**
 * Opens the application's transaction (a row written in `parent`), waits until `step` is queued
 * behind it, then writes to `child`, closing the lock cycle. Its own deadlock_timeout is long,
 * so the step's session (default 1 s) is the one that detects the cycle and is rolled back.
 */
async function deadlockingTransaction(table: {
  parent: string;
  child: string;
}): Promise<{ pid: number; done: Promise<void> }> {
  const app: SqlConnection = await connect(fx.test.url);
  await app.query("set deadlock_timeout = '20s'");
  const waitForStep = async () => {
    for (;;) {
      const [row] = await fx.sql<{ waiting: boolean }>(
        `select exists (select 1 from pg_locks where relation = $1::regclass and not granted
           and pid <> $2) as waiting`,
        [table.parent, app.sessionId],
      );
      if (row?.waiting) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const done = (async () => {
    try {
      await app.query('begin');
      await app.query(`insert into ${table.parent} values (-1)`);
      await waitForStep();
      await app.query(`insert into ${table.child} values (-1, null)`);
      await app.query('commit');
    } finally {
      await app.close();
    }
  })();
  return { pid: app.sessionId, done };
}

test('a step rolled back by a deadlock is logged and retried, and completes', async () => {
  await fx.sql('create table dl_parent (id int primary key)');
  await fx.sql('create table dl_child (id int primary key, parent_id int)');
  const app = await deadlockingTransaction({ parent: 'dl_parent', child: 'dl_child' });
  const { lines, log } = logLines();
  const plan = planAddForeignKey(
    {
      table: 'dl_child',
      columns: ['parent_id'],
      references: { table: 'dl_parent', columns: ['id'] },
      index: false,
    },
    fx.server,
  );
  const report = await runPlan(fx.db, plan, {
    log,
    lockTimeoutMs: 5000,
    retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 200 },
    // The wait would sit out the application's transaction and the cycle would never form.
    waitForConflictingLocks: false,
  });
  await app.done;
  const deadlocks = lines.filter((l) => l.startsWith(`deadlock on ${plan.steps[0]!.id} (attempt 1/5`));
  assert.equal(deadlocks.length, 1, lines.join('\n'));
  assert.match(deadlocks[0]!, new RegExp(`pid ${app.pid} `), 'names the other session');
  assert.equal(report.steps[0]!.status, 'applied');
  assert.equal(report.steps[0]!.attempts, 2);
  const [fk] = await fx.sql<{ convalidated: boolean }>(
    "select convalidated from pg_constraint where conname = 'dl_child_parent_id_fkey'",
  );
  assert.equal(fk?.convalidated, true);
  assert.deepEqual(
    await fx.sql('select id from dl_child'),
    [{ id: -1 }],
    "the application's transaction committed",
  );
});

test('a deadlock on the last allowed attempt fails with SQLSTATE 40P01 and says what to look for', async () => {
  await fx.sql('create table dl_parent2 (id int primary key)');
  await fx.sql('create table dl_child2 (id int primary key, parent_id int)');
  const app = await deadlockingTransaction({ parent: 'dl_parent2', child: 'dl_child2' });
  const plan = planAddForeignKey(
    {
      table: 'dl_child2',
      columns: ['parent_id'],
      references: { table: 'dl_parent2', columns: ['id'] },
      index: false,
    },
    fx.server,
  );
  await assert.rejects(
    runPlan(fx.db, plan, { lockTimeoutMs: 5000, retry: { maxAttempts: 1 }, waitForConflictingLocks: false }),
    (error: unknown) => {
      assert.ok(error instanceof StepFailedError, String(error));
      assert.equal(error.sqlState, '40P01');
      assert.equal(error.step, plan.steps[0]!.id);
      assert.match(error.message, /deadlock detected/);
      assert.match(error.message, /locks these tables in the opposite order/);
      return true;
    },
  );
  await app.done;
});
