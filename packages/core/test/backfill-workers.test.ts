/**
 * Issue #16 acceptance: a backfill spread over 3 worker processes, one killed with kill -9
 * mid-way; the others finish its ranges (lease expiry, queue retry), every row exactly once.
 * BALLAST_WORKERS_ROWS=1000000 for the 1M-row run; throughput comparisons live in
 * bench/backfill/workers (nothing here asserts on time).
 */
import assert from 'node:assert/strict';
import { backfillStatus, backfillWorkers, postgresDatabaseFromUrl } from '@ballast/core';
import { createTrafficTable, pgServers, pgTestDatabase, startTraffic } from '@ballast/testkit';
import { describe, test } from 'vitest';
import { runFleet } from '../../../bench/backfill/workers/fleet.js';
import { counterHistogram, createKeyTable } from './fixtures/backfill-tables.js';

const ROWS = Number(process.env.BALLAST_WORKERS_ROWS ?? 200_000);

for (const server of pgServers())
  describe(`[pg ${server.label}] distributed backfill`, () => {
    test(`3 worker processes, one killed with kill -9: ${ROWS} rows each changed exactly once`, async () => {
      const tdb = await pgTestDatabase('bfworkers', server);
      const db = postgresDatabaseFromUrl(tdb.url);
      const conn = await tdb.connect();
      try {
        const table = await createKeyTable(tdb, 'bigint', ROWS);
        await createTrafficTable(tdb.url, 'accounts', 10_000);
        const traffic = await startTraffic({
          url: tdb.url,
          table: 'accounts',
          rows: 10_000,
          clients: 2,
          thinkMs: 2,
        });
        const job = 'workers-kill';
        const run = await runFleet({
          url: tdb.url,
          table,
          job,
          workers: 3,
          ranges: 24,
          leaseSeconds: 3,
          killAt: { share: 0.3, rows: ROWS },
        });
        const report = await traffic.stop();
        console.log(
          `[pg ${server.label}] ${ROWS} rows by 3 workers (1 killed at ${run.killedAtRows} rows, range ${run.killedRange}): ${run.seconds.toFixed(1)} s; client p99 ${report.stats.p99.toFixed(1)} ms over ${report.stats.count} queries`,
        );
        assert.deepEqual(await counterHistogram(tdb, table), { 1: ROWS });
        const [status] = await backfillStatus(db, job);
        assert.equal(status?.state, 'done');
        assert.equal(status?.rowsDone, ROWS);
        const ranges = await conn.query<{ status: string; n: string }>(
          `select status, count(*) as n from ballast_backfill_checkpoints where job like 'workers-kill#%' group by status`,
        );
        assert.deepEqual(ranges, [{ status: 'done', n: '24' }]);
        // The killed worker's range went back to the queue when its lease expired, and was finished by another.
        const [retried] = await conn.query<{ retries: number }>(
          `select max(retry_count)::int as retries from pgboss.job where name = 'ballast-backfill-range' and (data->>'range')::int = $1`,
          [run.killedRange],
        );
        assert.ok((retried?.retries ?? 0) >= 1, `range ${run.killedRange} should have been retried`);
        assert.equal(run.results.length, 2);
        assert.equal(run.results.reduce((a, r) => a + r.rangesDone, 0) > 0, true);
        const workers = await backfillWorkers(db, job);
        assert.deepEqual(workers?.map((w) => w.worker).sort(), ['w0', 'w1', 'w2']);
        assert.equal(report.errors.length, 0, report.summary());
      } finally {
        await conn.close();
        await db.close?.();
        await tdb.drop();
      }
    });
  });
