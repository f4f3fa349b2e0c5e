/**
 * Distributed backfills honour `ballast backfill pause|resume|cancel` of the JOB in every worker,
 * report their workers, resume after a cancel, and share one rate budget.
 */
import assert from 'node:assert/strict';
import {
  backfillStatus,
  backfillWorkers,
  type Database,
  postgresDatabaseFromUrl,
  requestBackfill,
  runBackfillWorker,
  startDistributedBackfill,
} from '@ballast/core';
import { pgServers, pgTestDatabase } from '@ballast/testkit';
import { describe, test } from 'vitest';
import { globalBudgetThrottle } from '../src/backfill/distributed/budget.js';
import { counterHistogram, createKeyTable } from './fixtures/backfill-tables.js';

const ROWS = 20_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe`; the generous limit only ends a hung test (7 agents share 2 cores). */
async function until<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  for (let i = 0; i < 9000; i++) {
    const value = await probe();
    if (value) return value;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const rangeRows = async (db: Database, job: string) =>
  db.withSession(async (s) => {
    const [row] = await s.query<{ n: string }>(
      'select coalesce(sum(rows_done), 0) as n from ballast_backfill_checkpoints where job like $1',
      [`${job}#%`],
    );
    return Number(row!.n);
  });

for (const server of pgServers())
  describe(`[pg ${server.label}] distributed backfill control`, () => {
    test('pause, resume and cancel of the job stop every worker; a second start resumes it; each row once', async () => {
      const tdb = await pgTestDatabase('bfwctl', server);
      const db = postgresDatabaseFromUrl(tdb.url, { max: 12 });
      const stop = new AbortController();
      try {
        const table = await createKeyTable(tdb, 'int', ROWS);
        const job = 'ctl';
        const spec = { table, set: { counter: 'counter + 1' } };
        // Small batches under a global budget (at least 5 s for the job, however fast the
        // machine): the job is still running when we act on it.
        const tuning = { job, ranges: 6, initialBatchSize: 200, maxBatchSize: 200, rowsPerSecond: 4000 };
        const started = await startDistributedBackfill(db, spec, tuning);
        assert.deepEqual(started, {
          job,
          target: `public.${table}`,
          ranges: 6,
          enqueued: 6,
          status: 'queued',
        });
        // The same plan again while queued inserts nothing.
        assert.equal((await startDistributedBackfill(db, spec, tuning)).enqueued, 0);
        const workers = ['a', 'b'].map((id) =>
          runBackfillWorker(db, { workerId: id, concurrency: 2, pollSeconds: 0.5, signal: stop.signal }),
        );
        await until('progress', async () => (await rangeRows(db, job)) > 0);
        assert.ok(await requestBackfill(db, job, 'pause'));
        await until('the job to be paused', async () => {
          const [s] = await backfillStatus(db, job);
          assert.notEqual(s?.state, 'done', 'the job finished before the pause reached it');
          return s?.state === 'paused';
        });
        // Let every worker see it, then nothing moves while paused.
        await sleep(1000);
        const atPause = await rangeRows(db, job);
        await sleep(1000);
        assert.equal(await rangeRows(db, job), atPause);
        const seen = await backfillWorkers(db, job);
        assert.deepEqual(
          seen
            ?.filter((w) => w.alive)
            .map((w) => w.worker)
            .sort(),
          ['a', 'b'],
        );

        assert.ok(await requestBackfill(db, job, null));
        await until('more progress', async () => (await rangeRows(db, job)) > atPause);
        assert.ok(await requestBackfill(db, job, 'cancel'));
        const cancelled = await until('the job to be cancelled', async () => {
          const [s] = await backfillStatus(db, job);
          return s?.state === 'cancelled' && s;
        });
        assert.ok(cancelled.rowsDone < ROWS, `cancelled before the end (${cancelled.rowsDone})`);
        const partial = await counterHistogram(tdb, table);
        assert.equal(partial['2'], undefined);
        assert.equal(partial['1'], cancelled.rowsDone);

        const again = await startDistributedBackfill(db, spec, tuning);
        assert.equal(again.enqueued, 6);
        await until('done', async () => (await backfillStatus(db, job))[0]?.state === 'done');
        assert.deepEqual(await counterHistogram(tdb, table), { 1: ROWS });
        assert.equal((await backfillStatus(db, job))[0]?.rowsDone, ROWS);
        stop.abort();
        await Promise.all(workers);
      } finally {
        stop.abort();
        await db.close?.();
        await tdb.drop();
      }
    });

    test('the global budget is one bucket: a batch of one worker makes the others wait', async () => {
      const tdb = await pgTestDatabase('bfwbudget', server);
      const db = postgresDatabaseFromUrl(tdb.url);
      try {
        const table = await createKeyTable(tdb, 'int', 100);
        const job = 'budget';
        await startDistributedBackfill(
          db,
          { table, set: { counter: 'counter + 1' } },
          { job, ranges: 2, rowsPerSecond: 1000 },
        );
        const [a, b] = [globalBudgetThrottle(db, job), globalBudgetThrottle(db, job)];
        const ctx = (rowsDone: number) => ({ job, batches: 0, rowsDone });
        assert.equal(await a(ctx(0)), undefined);
        assert.equal(await b(ctx(0)), undefined);
        assert.equal(await a(ctx(800)), undefined); // 1000 tokens (one second of burst) - 800
        const waitB = await b(ctx(800)); // the bucket is now ~600 short
        assert.ok(waitB && waitB.waitMs > 0, 'b waits for the refill');
        assert.match(waitB.reason, /global budget of 1000 rows\/s/);
        const waitA = await a(ctx(800)); // a read nothing since, but shares the deficit
        assert.ok(waitA && waitA.waitMs > 0, 'a waits too');
      } finally {
        await db.close?.();
        await tdb.drop();
      }
    });

    test('refused before anything is queued: a key that is not one integer, an unknown job; an empty table is done', async () => {
      const tdb = await pgTestDatabase('bfwedge', server);
      const db = postgresDatabaseFromUrl(tdb.url);
      try {
        const uuid = await createKeyTable(tdb, 'uuid', 10);
        await assert.rejects(
          startDistributedBackfill(db, { table: uuid, set: { counter: 'counter + 1' } }, { job: 'u' }),
          (e: Error) =>
            e.name === 'InvalidArgumentError' && /one smallint, integer or bigint column/.test(e.message),
        );
        assert.deepEqual(await backfillStatus(db, 'u'), []);
        await assert.rejects(
          runBackfillWorker(db, { job: 'nope' }),
          (e: Error) => e.name === 'InvalidArgumentError' && /startDistributedBackfill/.test(e.message),
        );
        const empty = await createKeyTable(tdb, 'int', 0);
        const r = await startDistributedBackfill(
          db,
          { table: empty, set: { counter: 'counter + 1' } },
          { job: 'e' },
        );
        assert.deepEqual([r.status, r.ranges, r.enqueued], ['already-done', 0, 0]);
        assert.equal((await backfillStatus(db, 'e'))[0]?.state, 'done');
      } finally {
        await db.close?.();
        await tdb.drop();
      }
    });
  });
