import assert from 'node:assert/strict';
import { postgresDatabaseFromUrl, runBackfill } from '@ballast/core';
import { maxReplicaLagMs } from '@ballast/core/adapter';
import { connect, createRunDir, startLocalPostgres } from '@ballast/testkit';
import { test } from 'vitest';
import { counterHistogram } from './fixtures/backfill-tables.js';
import { startStreamingReplica } from './fixtures/replica.js';

// Needs its own primary: a replica is attached to it and its replay paused.
test('the backfill pauses while a real streaming replica lags, and goes on once it catches up', async () => {
  const primary = await startLocalPostgres(createRunDir());
  const conn = await connect(primary.url);
  const db = postgresDatabaseFromUrl(primary.url);
  const replica = await startStreamingReplica(primary.url, createRunDir());
  try {
    const waitFor = async (what: string, check: () => Promise<boolean>) => {
      for (let i = 0; i < 200; i++) {
        if (await check()) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${what}`);
    };
    await waitFor(
      'the replica to stream',
      async () => (await conn.query('select 1 from pg_stat_replication')).length > 0,
    );
    await conn.query('create table lagged (id int primary key, counter int not null default 0)');
    await conn.query('insert into lagged (id) select generate_series(1, 20000)');
    await replica.conn.query('select pg_wal_replay_pause()');
    // WAL the paused replica cannot replay: its replay_lag grows past the bound.
    await conn.query('create table filler as select g from generate_series(1, 100000) g');
    await waitFor('replay_lag to exceed 300 ms', async () => (await maxReplicaLagMs(db)) > 300);

    let resumed = false;
    const result = await runBackfill(
      db,
      { table: 'lagged', set: { counter: 'counter + 1' } },
      {
        maxReplicaLagMs: 300,
        onPause: () => {
          if (!resumed) void replica.conn.query('select pg_wal_replay_resume()');
          resumed = true;
        },
      },
    );
    assert.equal(result.status, 'done');
    assert.ok(result.pauses.length >= 1, 'expected at least one pause');
    assert.match(result.pauses[0]!.reason, /^replica lag \d+\.\d s > 0\.3 s$/);
    assert.equal(result.pauses[0]!.afterBatch, 0);
    assert.deepEqual(await counterHistogram({ connect: () => connect(primary.url) } as never, 'lagged'), {
      1: 20000,
    });
  } finally {
    await replica.stop();
    await db.close?.();
    await conn.close();
    await primary.stop();
  }
});
