/**
 * Waiting for a long transaction without queueing (RunOptions.waitForConflictingLocks): while a
 * reader keeps a transaction open on the table, an ACCESS EXCLUSIVE step that asks for its lock
 * under lock_timeout makes every application query wait up to lock_timeout per attempt; the
 * runner instead watches pg_locks from the outside until the reader is gone, then takes the lock.
 * Asserted on what the application's clients saw, not on timings of our own.
 */
import assert from 'node:assert/strict';
import {
  type Database,
  LockTimeoutError,
  planAddColumn,
  planAddForeignKey,
  postgresDatabaseFromUrl,
  type RunOptions,
  runPlan,
} from '@ballast/core';
import { conflictingLocks, PG_TABLE_LOCKS, pgSession } from '@ballast/core/adapter';
import { connect, createTrafficTable, pgServers, startTraffic } from '@ballast/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { holdLock } from './support/blocker.js';
import { logLines, type PgFixture, pgFixture } from './support/pg.js';

const LOCK_TIMEOUT_MS = 1000;
const READER_MS = 3000;

for (const server of pgServers()) {
  describe(`waiting for conflicting locks on PostgreSQL (${server.label})`, () => {
    let fx: PgFixture;
    beforeAll(async () => {
      fx = await pgFixture('lockwait', server);
    });
    afterAll(() => fx.close());

    test('conflictingLocks is the server’s own conflict table (LOCK TABLE … NOWAIT, every pair)', async () => {
      await fx.sql('create table lm (id int)');
      const holder = await connect(fx.test.url);
      const asker = await connect(fx.test.url);
      try {
        for (const held of PG_TABLE_LOCKS) {
          await holder.query('begin');
          await holder.query(`lock table lm in ${held} mode`);
          for (const asked of PG_TABLE_LOCKS) {
            await asker.query('begin');
            const granted = await asker.query(`lock table lm in ${asked} mode nowait`).then(
              () => true,
              (error: { code?: string }) => (error.code === '55P03' ? false : Promise.reject(error)),
            );
            await asker.query('rollback');
            assert.equal(
              !granted,
              conflictingLocks(asked).includes(held),
              `${asked} asked while ${held} held`,
            );
          }
          await holder.query('rollback');
        }
      } finally {
        await holder.close();
        await asker.close();
      }
    });

    test('a reader holds the table for 3 s: with the wait no client query waits lock_timeout, without it they do', async () => {
      const table = 'lw_traffic';
      const rows = 20_000;
      await createTrafficTable(fx.test.url, table, rows);
      const traffic = await startTraffic({ url: fx.test.url, table, rows, clients: 4, thinkMs: 5 });
      const phase = async (column: string, options: RunOptions) => {
        const reader = await holdLock(fx.test.url, `select count(*) from ${table}`, {
          releaseAfterMs: READER_MS,
        });
        await new Promise((r) => setTimeout(r, 300)); // the reader is a long transaction by now
        const { lines, log } = logLines();
        const from = traffic.mark(`${column}:start`);
        const report = await runPlan(fx.db, planAddColumn({ table, column, type: 'int' }, fx.server), {
          log,
          lockTimeoutMs: LOCK_TIMEOUT_MS,
          retry: { maxAttempts: 20, baseDelayMs: 100, maxDelayMs: 400 },
          ...options,
        });
        const to = traffic.mark(`${column}:end`);
        await reader.release();
        return { reader, lines, report, from, to };
      };
      try {
        await new Promise((r) => setTimeout(r, 300));
        const waiting = await phase('with_wait', {});
        const retrying = await phase('without_wait', { waitForConflictingLocks: false });
        await new Promise((r) => setTimeout(r, 100));
        const result = await traffic.stop();
        const during = (p: { from: number; to: number }) =>
          result.queries.filter((q) => q.end >= p.from && q.start <= p.to);
        const slow = (p: { from: number; to: number }) =>
          during(p).filter((q) => q.latencyMs >= LOCK_TIMEOUT_MS);
        const max = (p: { from: number; to: number }) => Math.max(...during(p).map((q) => q.latencyMs));
        console.log(
          `[figures] ${server.label}: client max with the wait ${max(waiting).toFixed(0)} ms ` +
            `(${during(waiting).length} queries), without ${max(retrying).toFixed(0)} ms ` +
            `(${retrying.report.steps[0]!.attempts} attempts), lock_timeout ${LOCK_TIMEOUT_MS} ms`,
        );
        assert.equal(result.errors.length, 0, result.summary());
        assert.deepEqual(
          slow(waiting),
          [],
          `with the wait, no client waited lock_timeout:\n${waiting.lines.join('\n')}`,
        );
        assert.equal(waiting.report.steps[0]!.attempts, 1, waiting.lines.join('\n'));
        assert.ok(
          waiting.lines.some((l) => l.startsWith('waiting for ') && l.includes(`pid ${waiting.reader.pid} `)),
          `the wait names the reader:\n${waiting.lines.join('\n')}`,
        );
        // The naive retry path: each attempt queues the clients behind it for ≈ lock_timeout.
        assert.ok(retrying.report.steps[0]!.attempts > 1, retrying.lines.join('\n'));
        assert.ok(
          max(retrying) >= 0.8 * LOCK_TIMEOUT_MS,
          `without the wait clients queued ≈ lock_timeout, max ${max(retrying)} ms`,
        );
        await fx.sql(`select with_wait, without_wait from ${table} limit 1`);
      } finally {
        await traffic.stop().catch(() => {});
      }
    });

    test('a transaction that never ends: the wait is bounded by the retry budget, then one attempt, then LockTimeoutError', async () => {
      await fx.sql('create table lw_forever (id int primary key)');
      const reader = await holdLock(fx.test.url, 'select * from lw_forever');
      const { lines, log } = logLines();
      try {
        await new Promise((r) => setTimeout(r, 200));
        await assert.rejects(
          runPlan(fx.db, planAddColumn({ table: 'lw_forever', column: 'c', type: 'int' }, fx.server), {
            log,
            lockTimeoutMs: 200,
            retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 }, // budget 3 × 200 + 2 × 10 ms
          }),
          (error: unknown) => {
            assert.ok(error instanceof LockTimeoutError, String(error));
            assert.equal(error.attempts, 1);
            assert.match(error.message, /for the whole retry budget \(620 ms\)/);
            assert.match(error.blockers.join('\n'), new RegExp(`pid ${reader.pid} `));
            return true;
          },
        );
      } finally {
        await reader.release();
      }
      assert.ok(
        lines.some((l) => l.startsWith('waiting for ') && l.includes(`pid ${reader.pid} `)),
        lines.join('\n'),
      );
    });

    test("inside the caller's transaction: only the long reader is waited for, not each new client transaction", async () => {
      const table = 'lw_tx';
      await createTrafficTable(fx.test.url, table, 1000);
      const traffic = await startTraffic({ url: fx.test.url, table, rows: 1000, clients: 3, thinkMs: 0 });
      const client = new pg.Client({ connectionString: fx.test.url });
      await client.connect();
      try {
        await new Promise((r) => setTimeout(r, 200));
        await client.query('begin');
        // The caller's transaction reads pg_stat_activity first: its cached snapshot must not make
        // the clients' later transactions look as old as their first.
        await client.query('select count(*) from pg_stat_activity');
        const db: Database = {
          dialect: 'postgres',
          inTransaction: true,
          withSession: (fn) => fn(pgSession(client)),
        };
        const reader = await holdLock(fx.test.url, `select count(*) from ${table}`, { releaseAfterMs: 1500 });
        await new Promise((r) => setTimeout(r, 700)); // clients' transactions of now are the cached ones
        const { lines, log } = logLines();
        const report = await runPlan(db, planAddColumn({ table, column: 'c', type: 'int' }, fx.server), {
          log,
          lockTimeoutMs: 500,
          retry: { maxAttempts: 20, baseDelayMs: 100, maxDelayMs: 400 }, // budget ≈ 15 s
        });
        await client.query('commit');
        await reader.release();
        const waits = lines.filter((l) => l.startsWith('waiting for '));
        assert.ok(waits.length > 0, lines.join('\n'));
        for (const line of waits) {
          assert.deepEqual(
            [...line.matchAll(/pid (\d+) /g)].map((m) => Number(m[1])),
            [reader.pid],
            line,
          );
        }
        assert.ok(
          lines.some((l) => l.includes('conflicting transactions ended')),
          `the wait ended with the reader:\n${lines.join('\n')}`,
        );
        assert.equal(report.steps[0]!.attempts, 1, lines.join('\n'));
      } finally {
        await client.end().catch(() => {});
        await traffic.stop();
      }
    });

    test('a migrator role that cannot see the reader’s age still waits for it (judged over two looks)', async () => {
      const role = `${fx.test.name}_migrator`;
      await fx.sql(`create role ${role} login password 'p'`);
      await fx.sql('create table lw_hidden (id int primary key)');
      await fx.sql(`alter table lw_hidden owner to ${role}`);
      const url = new URL(fx.test.url);
      url.username = role;
      url.password = 'p';
      const db = postgresDatabaseFromUrl(url.toString());
      // The superuser's session: pg_stat_activity hides its transaction start from the migrator role.
      const reader = await holdLock(fx.test.url, 'select * from lw_hidden', { releaseAfterMs: 1200 });
      const { lines, log } = logLines();
      try {
        await new Promise((r) => setTimeout(r, 200));
        const report = await runPlan(
          db,
          planAddColumn({ table: 'lw_hidden', column: 'c', type: 'int' }, fx.server),
          {
            log,
            lockTimeoutMs: 300,
            lock: false,
          },
        );
        assert.equal(report.steps[0]!.attempts, 1, lines.join('\n'));
        assert.ok(
          lines.some(
            (l) =>
              l.startsWith('waiting for ') &&
              l.includes(`pid ${reader.pid} (unknown state, transaction age ? s)`),
          ),
          lines.join('\n'),
        );
      } finally {
        await reader.release();
        await db.close?.();
        await fx.sql('drop table lw_hidden');
        await fx.sql(`drop role ${role}`);
      }
    });

    test('a foreign key waits for long transactions on the referenced table too', async () => {
      await fx.sql('create table lw_parent (id int primary key)');
      await fx.sql('create table lw_child (id int primary key, parent_id int)');
      const writer = await holdLock(fx.test.url, 'insert into lw_parent values (1)', {
        releaseAfterMs: 1500,
      });
      await new Promise((r) => setTimeout(r, 200));
      const { lines, log } = logLines();
      const plan = planAddForeignKey(
        {
          table: 'lw_child',
          columns: ['parent_id'],
          references: { table: 'lw_parent', columns: ['id'] },
          index: false,
        },
        fx.server,
      );
      const report = await runPlan(fx.db, plan, { log, lockTimeoutMs: 300 });
      await writer.release();
      assert.equal(report.steps[0]!.attempts, 1, lines.join('\n'));
      assert.ok(
        lines.some(
          (l) => l.startsWith(`waiting for ${plan.steps[0]!.id}`) && l.includes(`pid ${writer.pid} `),
        ),
        lines.join('\n'),
      );
    });
  });
}
