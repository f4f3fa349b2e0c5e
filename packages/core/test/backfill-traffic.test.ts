import assert from 'node:assert/strict';
import { postgresDatabaseFromUrl, runBackfill } from '@ballast/core';
import { createTrafficTable, pgTestDatabase, startTraffic } from '@ballast/testkit';
import { test } from 'vitest';

const ROWS = Number(process.env.BALLAST_BACKFILL_TEST_ROWS ?? 100_000);

for (const mode of ['sql', 'js'] as const) {
  test(`a ${mode} backfill under read/insert/update traffic: 0 client errors, every pre-existing row filled`, async () => {
    const tdb = await pgTestDatabase('bftraffic');
    const db = postgresDatabaseFromUrl(tdb.url);
    const conn = await tdb.connect();
    try {
      await createTrafficTable(tdb.url, 'accounts', ROWS);
      await conn.query('alter table accounts add column score int');
      const traffic = await startTraffic({
        url: tdb.url,
        table: 'accounts',
        rows: ROWS,
        clients: 4,
        thinkMs: 1,
      });
      await new Promise((r) => setTimeout(r, 200));
      const [{ max }] = (await conn.query<{ max: string }>('select max(id) as max from accounts')) as [
        { max: string },
      ];
      traffic.mark('backfill start');
      const result = await runBackfill(
        db,
        mode === 'sql'
          ? { table: 'accounts', set: { score: 'account_id * 2' }, where: 'score is null' }
          : { table: 'accounts', set: {}, where: 'score is null' },
        mode === 'js' ? { transform: (row) => ({ score: Number(row.account_id) * 2 }) } : {},
      );
      traffic.mark('backfill end');
      const report = await traffic.stop();
      assert.equal(report.errors.length, 0, report.summary());
      assert.equal(result.status, 'done');
      assert.ok(report.stats.count > 100, report.summary());
      // Rows that existed when the job started are all filled; later inserts are the application's job.
      const [missing] = await conn.query<{ n: string }>(
        'select count(*) as n from accounts where id <= $1 and score is distinct from account_id * 2',
        [max],
      );
      assert.equal(missing!.n, '0');
    } finally {
      await conn.close();
      await db.close?.();
      await tdb.drop();
    }
  });
}
