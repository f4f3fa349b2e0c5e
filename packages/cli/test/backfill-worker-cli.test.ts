/** `ballast backfill worker` runs a distributed backfill; `backfill status` shows it combined, with its workers. */
import assert from 'node:assert/strict';
import { postgresDatabaseFromUrl, startDistributedBackfill } from '@ballast/core';
import { pgServers, pgTestDatabase } from '@ballast/testkit';
import { describe, test } from 'vitest';
import { ballast } from './fixtures/cli.js';

const ROWS = 5000;

for (const server of pgServers())
  describe(`[pg ${server.label}] ballast backfill worker`, () => {
    test('two workers finish the job; status shows the combined rows and both workers', async () => {
      const tdb = await pgTestDatabase('cli_bfworker', server);
      const db = postgresDatabaseFromUrl(tdb.url);
      const conn = await tdb.connect();
      try {
        await conn.query('create table items (id int primary key, n int not null default 0)');
        await conn.query('insert into items (id) select g from generate_series(1, $1::int) g', [ROWS]);
        await startDistributedBackfill(
          db,
          { table: 'items', set: { n: 'n + 1' } },
          { job: 'items-n', ranges: 4 },
        );
        const [one, two] = await Promise.all([
          ballast('backfill', 'worker', 'items-n', '--database-url', tdb.url),
          ballast('backfill', 'worker', 'items-n', '--concurrency', '2', '--json', '--database-url', tdb.url),
        ]);
        assert.equal(one.code, 0, one.stderr);
        assert.equal(two.code, 0, two.stderr);
        assert.match(one.stdout, /worker \S+ stopped: \d+ ranges done/);
        assert.equal(JSON.parse(two.stdout).queueErrors, 0);
        const [counts] = await conn.query<{ once: string; other: string }>(
          'select count(*) filter (where n = 1) as once, count(*) filter (where n <> 1) as other from items',
        );
        assert.deepEqual(counts, { once: String(ROWS), other: '0' });

        const status = await ballast('backfill', 'status', 'items-n', '--json', '--database-url', tdb.url);
        assert.equal(status.code, 0, status.stderr);
        const view = JSON.parse(status.stdout) as {
          state: string;
          rowsDone: number;
          workers: { alive: boolean }[];
        };
        assert.equal(view.state, 'done');
        assert.equal(view.rowsDone, ROWS);
        assert.ok(view.workers.length >= 1 && view.workers.every((w) => w.alive));
        const text = await ballast('backfill', 'status', 'items-n', '--database-url', tdb.url);
        assert.match(text.stdout, /progress: {3}5,000\/~5,000 rows \(100%\)/);
        assert.match(text.stdout, /workers: {4}\d alive \(/);
      } finally {
        await conn.close();
        await db.close?.();
        await tdb.drop();
      }
    });
  });

test('--concurrency is checked before connecting', async () => {
  const r = await ballast(
    'backfill',
    'worker',
    '--concurrency',
    '0',
    '--database-url',
    'postgres://nowhere/x',
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--concurrency: expected a whole number >= 1, got 0/);
});
