/**
 * The runner on a real server: lock-timeout retries that name the blocker, a caller-owned
 * transaction, the INVALID-index cleanup, the journal, progress, and hostile identifiers.
 */
import assert from 'node:assert/strict';
import {
  type Database,
  LockTimeoutError,
  type Plan,
  type ProgressEvent,
  planAddCheck,
  planAddColumn,
  planCreateIndex,
  planDropColumn,
  planDropTable,
  planSetNotNull,
  postgresDatabaseFromUrl,
  runPlan,
  StepFailedError,
  WrongContextError,
} from '@ballast/core';
import { pgSession } from '@ballast/core/adapter';
import pg from 'pg';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { holdLock } from './support/blocker.js';
import { logLines, type PgFixture, pgFixture } from './support/pg.js';

let fx: PgFixture;
beforeAll(async () => {
  fx = await pgFixture('runner');
});
afterAll(() => fx.close());

const one = async <T>(sql: string, params: unknown[] = []) => (await fx.sql<T>(sql, params))[0]!;

describe('lock timeouts', () => {
  test('a blocked step retries, logs the blocking pid, and completes once the blocker commits', async () => {
    await fx.sql('create table lt1 (id int primary key)');
    const blocker = await holdLock(fx.test.url, 'select * from lt1', { releaseAfterMs: 2500 });
    const { lines, log } = logLines();
    const report = await runPlan(
      fx.db,
      planAddColumn({ table: 'lt1', column: 'c', type: 'int' }, fx.server),
      {
        log,
        lockTimeoutMs: 300,
        retry: { maxAttempts: 50, baseDelayMs: 100, maxDelayMs: 400 },
        waitForConflictingLocks: false, // the retry path itself
      },
    );
    await blocker.release();
    const retries = lines.filter((l) => l.startsWith('lock timeout on add-column:lt1.c:add'));
    assert.ok(retries.length >= 2, `expected retries, log:\n${lines.join('\n')}`);
    assert.ok(
      retries.some((l) => l.includes(`pid ${blocker.pid} (idle in transaction`)),
      `a retry names blocker pid ${blocker.pid}:\n${retries.join('\n')}`,
    );
    assert.equal(report.steps[0]!.status, 'applied');
    assert.equal(report.steps[0]!.attempts, retries.length + 1);
    await fx.sql('select c from lt1');
  });

  test('a one-connection pool still retries and completes (the blocker sampler just waits its turn)', async () => {
    await fx.sql('create table lt3 (id int primary key)');
    const single = postgresDatabaseFromUrl(fx.test.url, { max: 1 });
    const blocker = await holdLock(fx.test.url, 'select * from lt3', { releaseAfterMs: 800 });
    try {
      const report = await runPlan(
        single,
        planAddColumn({ table: 'lt3', column: 'c', type: 'int' }, fx.server),
        {
          lockTimeoutMs: 200,
          retry: { maxAttempts: 30, baseDelayMs: 50, maxDelayMs: 200 },
          waitForConflictingLocks: false,
        },
      );
      assert.ok(report.steps[0]!.attempts > 1);
    } finally {
      await blocker.release();
      await single.close?.();
    }
  });

  test('retries exhausted: LockTimeoutError with the attempts and the blockers', async () => {
    await fx.sql('create table lt2 (id int primary key)');
    const blocker = await holdLock(fx.test.url, 'select * from lt2');
    try {
      await assert.rejects(
        runPlan(fx.db, planAddColumn({ table: 'lt2', column: 'c', type: 'int' }, fx.server), {
          lockTimeoutMs: 200,
          retry: { maxAttempts: 2, baseDelayMs: 10 },
          waitForConflictingLocks: false,
        }),
        (error: unknown) => {
          assert.ok(error instanceof LockTimeoutError);
          assert.equal(error.attempts, 2);
          assert.equal(error.step, 'add-column:lt2.c:add');
          assert.match(error.blockers.join('\n'), new RegExp(`pid ${blocker.pid} `));
          assert.match(error.message, /Let the blocking transaction finish/);
          return true;
        },
      );
    } finally {
      await blocker.release();
    }
  });
});

/** A Database whose every session is one connection inside a transaction the test owns. */
async function callerTransaction(): Promise<{ db: Database; client: pg.Client }> {
  const client = new pg.Client({ connectionString: fx.test.url });
  await client.connect();
  await client.query('begin');
  return {
    client,
    db: { dialect: 'postgres', inTransaction: true, withSession: (fn) => fn(pgSession(client)) },
  };
}

describe("inside the caller's transaction", () => {
  test('transactional steps run inline, survive a lock-timeout retry via a savepoint, and restore the caller timeouts', async () => {
    await fx.sql('create table tx1 (id int primary key, v int)');
    await fx.sql('insert into tx1 select g, g from generate_series(1, 100) g');
    const { db, client } = await callerTransaction();
    try {
      await client.query("set local lock_timeout = '7s'");
      const blocker = await holdLock(fx.test.url, 'select * from tx1', { releaseAfterMs: 1200 });
      const { lines, log } = logLines();
      const report = await runPlan(db, planSetNotNull({ table: 'tx1', column: 'v' }, fx.server), {
        log,
        lockTimeoutMs: 200,
        retry: { maxAttempts: 40, baseDelayMs: 50, maxDelayMs: 200 },
        waitForConflictingLocks: false,
      });
      await blocker.release();
      assert.ok(report.steps[0]!.attempts > 1, lines.join('\n'));
      assert.ok(
        lines.some((l) => l.startsWith("warning: inside the caller's transaction")),
        lines.join('\n'),
      );
      const [setting] = (await client.query("select current_setting('lock_timeout') lt")).rows;
      assert.equal(setting.lt, '7s');
      await client.query('commit');
    } finally {
      await client.end();
    }
    assert.equal(
      (
        await one<{ n: boolean }>(
          "select attnotnull n from pg_attribute where attrelid = 'tx1'::regclass and attname = 'v'",
        )
      ).n,
      true,
    );
  });

  test('a CONCURRENTLY step is refused with what to change in the migration', async () => {
    await fx.sql('create table tx2 (id int primary key, v int)');
    const { db, client } = await callerTransaction();
    try {
      await assert.rejects(
        runPlan(db, planCreateIndex({ table: 'tx2', columns: ['v'] }, fx.server)),
        (error: unknown) => {
          assert.ok(error instanceof WrongContextError);
          assert.match(error.message, /create-index:tx2_v_idx:create-index/);
          assert.match(error.message, /export const config = \{ transaction: false \}/);
          return true;
        },
      );
    } finally {
      await client.query('rollback');
      await client.end();
    }
  });

  test('a plan with a backfill step is refused before its first step runs', async () => {
    await fx.sql('create table tx3 (id int primary key)');
    const { db, client } = await callerTransaction();
    try {
      const plan = planAddColumn(
        { table: 'tx3', column: 't', type: 'text', default: { sql: 'md5(random()::text)' } },
        fx.server,
      );
      await assert.rejects(runPlan(db, plan), (error: unknown) => {
        assert.ok(error instanceof WrongContextError);
        assert.match(error.message, /step add-column:tx3\.t:backfill/);
        return true;
      });
      const { rows } = await client.query(
        "select 1 from pg_attribute where attrelid = 'tx3'::regclass and attname = 't'",
      );
      assert.deepEqual(rows, [], 'no step ran');
    } finally {
      await client.query('rollback');
      await client.end();
    }
  });
});

test('a unique build that fails on duplicates leaves an INVALID index; after fixing the data the rerun drops and rebuilds it', async () => {
  await fx.sql('create table dup (id int primary key, email text)');
  await fx.sql("insert into dup select g, 'u' || g || '@x' from generate_series(1, 20000) g");
  await fx.sql("update dup set email = 'u1@x' where id = 2");
  const plan = planCreateIndex({ table: 'dup', columns: ['email'], unique: true }, fx.server);
  await assert.rejects(runPlan(fx.db, plan), (error: unknown) => {
    assert.ok(error instanceof StepFailedError);
    assert.equal(error.sqlState, '23505');
    assert.match(error.message, /INVALID index/);
    return true;
  });
  const state = () =>
    fx.sql<{ valid: boolean }>(
      "select indisvalid as valid from pg_index where indexrelid = to_regclass('dup_email_key')",
    );
  assert.deepEqual(await state(), [{ valid: false }]);
  await fx.sql("update dup set email = 'u2@x' where id = 2");
  const { lines, log } = logLines();
  const report = await runPlan(fx.db, plan, { log });
  assert.equal(report.steps[0]!.status, 'applied');
  assert.ok(
    lines.some((l) => l.includes('drop the INVALID index dup_email_key')),
    lines.join('\n'),
  );
  assert.deepEqual(await state(), [{ valid: true }]);
});

test('journal: a run that failed midway resumes at the first unfinished step', async () => {
  await fx.sql('create table jr (id int primary key, v int)');
  await fx.sql('insert into jr select g, nullif(g, 77) from generate_series(1, 1000) g');
  const plan = planSetNotNull({ table: 'jr', column: 'v' }, fx.server);
  await assert.rejects(runPlan(fx.db, plan, { migration: '2026_add_jr_not_null' }), StepFailedError);
  const journal = () =>
    fx.sql<{ step_id: string; success: boolean; error_message: string | null }>(
      "select step_id, success, error_message from ballast_journal where migration = '2026_add_jr_not_null' order by applied_at, step_id",
    );
  const afterCrash = new Map((await journal()).map((r) => [r.step_id, r]));
  // The NOT VALID check was undone (it would refuse NULL writes) and is unfinished again.
  assert.equal(afterCrash.get(plan.steps[0]!.id)?.success, false);
  assert.match(afterCrash.get(plan.steps[0]!.id)?.error_message ?? '', /undone after .*validate.* failed/);
  assert.equal(afterCrash.get(plan.steps[1]!.id)?.success, false);
  assert.match(afterCrash.get(plan.steps[1]!.id)?.error_message ?? '', /null value|violated|contains null/);
  await fx.sql('update jr set v = 0 where v is null');
  const report = await runPlan(fx.db, plan, { migration: '2026_add_jr_not_null' });
  assert.deepEqual(
    report.steps.map((s) => s.status),
    plan.steps.map(() => 'applied'),
  );
  assert.ok((await journal()).every((r) => r.success));
});

test('index build progress is reported through options.progress', async (t) => {
  if (!fx.server.capabilities.createIndexProgress)
    return t.skip('pg_stat_progress_create_index needs PostgreSQL 12');
  await fx.sql('create table prog (id int primary key, v text)');
  await fx.sql('insert into prog select g, md5(g::text) from generate_series(1, 1000) g');
  // An open writer holds the concurrent build in its "waiting for writers" phase until the
  // watcher has reported it: progress is seen however fast the build itself would be.
  const writer = await holdLock(fx.test.url, "insert into prog values (0, 'writer')");
  const updates: ProgressEvent[] = [];
  const finished: ProgressEvent[] = [];
  let settled = false;
  const run = runPlan(fx.db, planCreateIndex({ table: 'prog', columns: ['v'] }, fx.server), {
    lockTimeoutMs: 600_000, // the build waits for the writer; no retry in between
    progress: { update: (e) => updates.push(e), finish: (e) => finished.push(e) },
  }).finally(() => {
    settled = true;
  });
  // The watcher polls every 500 ms; the cap only keeps a broken watcher from hanging the run.
  const waiting = (e: ProgressEvent) => /^waiting for /.test(e.phase ?? '');
  const cap = Date.now() + 60_000;
  while (!updates.some(waiting) && !settled && Date.now() < cap) await new Promise((r) => setTimeout(r, 20));
  await writer.release();
  await run;
  assert.ok(
    updates.some(waiting),
    `an update shows the build waiting for the writer: ${JSON.stringify(updates)}`,
  );
  for (const e of updates) {
    assert.equal(e.operation, 'create-index');
    assert.ok(typeof e.phase === 'string' && e.phase.length > 0, JSON.stringify(e));
    assert.ok(e.done >= 0 && (e.total === undefined || e.done <= e.total), JSON.stringify(e));
  }
  assert.equal(finished.length, 1);
  const { phase, ...finish } = finished[0]!;
  assert.deepEqual(finish, {
    operation: 'create-index',
    target: finish.target,
    done: 1,
    total: 1,
    message: 'index built',
  });
  assert.equal(phase, updates.at(-1)!.phase, 'the finish event carries the last phase seen');
  const [index] = await fx.sql<{ valid: boolean }>(
    `select i.indisvalid as valid from pg_index i where i.indrelid = 'prog'::regclass and not i.indisprimary`,
  );
  assert.equal(index?.valid, true);
});

test('hostile identifiers are quoted and harmless', async () => {
  const table = 'x"; drop table y; --';
  const column = 'c"; drop table y; --';
  await fx.sql('create table y (id int)');
  await fx.sql(`create table "x""; drop table y; --" (id int primary key, v int)`);
  await fx.sql(`insert into "x""; drop table y; --" select g, g from generate_series(1, 100) g`);
  const plans: Plan[] = [
    planAddColumn({ table, column, type: 'int', default: { value: 1 } }, fx.server),
    planAddColumn(
      { table, column: 'note', type: 'text', default: { value: "it's'); drop table y; --" } },
      fx.server,
    ),
    planCreateIndex({ table, columns: [column], name: 'i"; drop table y; --' }, fx.server),
    planAddCheck(
      { table, name: 'k"; drop table y; --', expression: `"${column.replaceAll('"', '""')}" >= 0` },
      fx.server,
    ),
    planSetNotNull({ table, column }, fx.server),
    planDropColumn({ table, column: 'v', confirmUnused: true }, fx.server),
  ];
  const schema = 's"; drop table y; --';
  await fx.sql(`create schema "s""; drop table y; --"`);
  await fx.sql(`create table "s""; drop table y; --"."x""; drop table y; --" (id int primary key, v int)`);
  plans.push(
    planCreateIndex({ schema, table, columns: ['v'], name: 'i"; drop table y; --' }, fx.server),
    planSetNotNull({ schema, table, column: 'v' }, fx.server),
    planDropTable({ schema, table, confirmUnused: true }, fx.server),
  );
  for (const plan of plans) {
    await runPlan(fx.db, plan);
    assert.ok(
      (await runPlan(fx.db, plan)).steps.every((s) => s.status === 'already-done'),
      plan.operation,
    );
  }
  assert.equal((await one<{ r: string | null }>("select to_regclass('y')::text r")).r, 'y');
  assert.equal(
    (
      await one<{ n: string }>(`select count(*) n from "x""; drop table y; --" where note = $1`, [
        "it's'); drop table y; --",
      ])
    ).n,
    '100',
  );
});
