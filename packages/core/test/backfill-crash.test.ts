import assert from 'node:assert/strict';
import { pgTestDatabase, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, test } from 'vitest';
// The chaos bench owns the kill -9 fixture (a backfill child process); this test reuses it.
import { resumeInProcess, runChildAndKill } from '../../../bench/backfill/kill-resume.js';
import { counterHistogram, createKeyTable } from './fixtures/backfill-tables.js';

const ROWS = Number(process.env.BALLAST_BACKFILL_TEST_ROWS ?? 100_000);
let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await pgTestDatabase('bfcrash');
});
afterAll(async () => {
  await tdb.drop();
});

// Seeded kill points (committed batches before SIGKILL): early, middle, late. At 100 000 rows the
// default run is concurrent key ranges (pg/ranged.ts); concurrency 1 is the one-stream loop.
const CASES = [
  { mode: 'sql', kills: [3, 17, 41], concurrency: undefined },
  { mode: 'js', kills: [1, 12, 33], concurrency: undefined },
  { mode: 'sql', kills: [3, 17, 41], concurrency: 1 },
  { mode: 'js', kills: [1, 12, 33], concurrency: 1 },
] as const;

for (const { mode, kills, concurrency } of CASES) {
  const how = concurrency === 1 ? 'one stream' : 'key ranges';
  test(`kill -9 at batches ${kills.join(', ')} (${mode} transform, ${how}): resume changes every row exactly once`, async () => {
    const table = await createKeyTable(tdb, 'bigint', ROWS, `_${mode}_${concurrency ?? 'default'}`);
    const job = `crash-${mode}-${concurrency ?? 'default'}`;
    const seen: number[] = [];
    for (const at of kills) {
      const killedAt = await runChildAndKill(tdb.url, table, job, mode, at, 500, 0, concurrency);
      assert.ok(killedAt >= at, `the child should be killed after ${at} batches, saw ${killedAt}`);
      seen.push(killedAt);
    }
    assert.ok(
      seen.every((n, i) => i === 0 || n >= seen[i - 1]!),
      `each kill resumes further: ${seen}`,
    );
    const result = await resumeInProcess(tdb.url, table, job, mode, concurrency);
    assert.equal(result.status, 'done');
    assert.equal(result.paging, concurrency === 1 ? 'keyset' : 'key-ranges');
    assert.equal(result.resumed, true);
    assert.equal(result.rowsDone, ROWS);
    assert.deepEqual(await counterHistogram(tdb, table), { 1: ROWS });
  });
}
