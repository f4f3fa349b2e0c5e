import assert from 'node:assert/strict';
import { postgresDatabase, runBackfill } from '@ballast/core';
import type { BatchReport } from '@ballast/core/adapter';
import { startTraffic } from '@ballast/testkit';
import pg from 'pg';
import { test } from 'vitest';
import { counterHistogram, createKeyTable, pgDatabaseForFile } from './fixtures/backfill-tables.js';

/**
 * The impact guard (backfill/pg/impact-guard.ts): a batch that makes application writes wait on
 * its row locks is cancelled and retried smaller, so the application is not stalled for a whole
 * batch. Real writers update random rows of the table while slow batches (a per-row pg_sleep)
 * run; what is asserted is what the batches and the writers saw, not durations (those are in
 * bench/backfill).
 */
const ROWS = 4000;
const file = pgDatabaseForFile('bfimpact');
// 0.3 ms per row: a 1000-row batch holds its row locks ~300 ms, far beyond a 40 ms budget.
// (Correlated to the row, so it runs per row, not once as an InitPlan.)
const SLOW_SET = { counter: 'counter + 1 + (select 0 from pg_sleep(0.0003 + 0 * id))' };
const TUNING = { initialBatchSize: 1000, minBatchSize: 10, targetBatchMs: 5000, maxReplicaLagMs: 0 };

async function withWriters<T>(table: string, fn: () => Promise<T>) {
  const traffic = await startTraffic({
    url: file.tdb.url,
    clients: 3,
    thinkMs: 1,
    workload: {
      queries: {
        write: (ctx) => ({
          sql: `update ${table} set note = 'app' || $1 where id = $2`,
          params: [ctx.client, ctx.randomInt(ROWS)],
        }),
      },
      weights: { write: 1 },
    },
  });
  try {
    const result = await fn();
    return { result, report: await traffic.stop() };
  } catch (error) {
    await traffic.stop();
    throw error;
  }
}

test('with writers on the table, slow batches yield their row locks and are retried smaller; every row once', async () => {
  const table = await createKeyTable(file.tdb, 'int', ROWS, '_guarded');
  const batches: BatchReport[] = [];
  const { result, report } = await withWriters(table, () =>
    runBackfill(file.db, { table, set: SLOW_SET }, { ...TUNING, onBatch: (b) => batches.push(b) }),
  );
  assert.equal(result.status, 'done');
  assert.ok(result.yields > 0, `batches yielded to the writers (${result.yields} yields)`);
  assert.deepEqual(await counterHistogram(file.tdb, table), { 1: ROWS }, 'every row changed exactly once');
  assert.equal(report.errors.length, 0, report.summary());
  // After a yield, batches stay well under the size that made the writers wait.
  assert.ok(
    batches.slice(-3).every((b) => b.limit < TUNING.initialBatchSize),
    `sizes ${batches.map((b) => b.limit).join(',')}`,
  );
  console.log(`guarded: ${result.yields} yields, writers: ${report.summary()}`);
});

test('maxClientWaitMs: 0 turns the guard off: batches keep their size and never yield', async () => {
  const table = await createKeyTable(file.tdb, 'int', ROWS, '_unguarded');
  const { result, report } = await withWriters(table, () =>
    runBackfill(file.db, { table, set: SLOW_SET }, { ...TUNING, maxClientWaitMs: 0 }),
  );
  assert.equal(result.yields, 0);
  assert.deepEqual(await counterHistogram(file.tdb, table), { 1: ROWS });
  assert.equal(report.errors.length, 0, report.summary());
  console.log(`unguarded: writers: ${report.summary()}`);
});

test('a one-connection pool runs the backfill unwatched, with a warning saying why, and does not hang', async () => {
  const table = await createKeyTable(file.tdb, 'int', 500, '_onepool');
  const pool = new pg.Pool({ connectionString: file.tdb.url, max: 1 });
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    const result = await runBackfill(
      postgresDatabase(pool),
      { table, set: { counter: 'counter + 1' } },
      { maxReplicaLagMs: 0 },
    );
    assert.equal(result.status, 'done');
    assert.deepEqual(await counterHistogram(file.tdb, table), { 1: 500 });
    await new Promise((r) => setImmediate(r));
    assert.ok(
      warnings.some((w) => /without the impact guard \(no second connection was free/.test(w)),
      warnings.join('\n'),
    );
  } finally {
    process.off('warning', onWarning);
    await pool.end();
  }
});
