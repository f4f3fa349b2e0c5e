import assert from 'node:assert/strict';
import { runBackfill, UnsafeOperationError } from '@ballast/core';
import { test } from 'vitest';
import {
  counterHistogram,
  createKeyTable,
  KEY_TABLES,
  type KeyKind,
  pgDatabaseForFile,
} from './fixtures/backfill-tables.js';

const ROWS = Number(process.env.BALLAST_BACKFILL_TEST_ROWS ?? 20_000);
const file = pgDatabaseForFile('bfkeys');

for (const kind of Object.keys(KEY_TABLES) as KeyKind[]) {
  test(`SQL transform over a ${kind} key touches every row exactly once`, async () => {
    const table = await createKeyTable(file.tdb, kind, ROWS, '_sql');
    const result = await runBackfill(
      file.db,
      // ctid paging may revisit a row whose new version lands further on: its `where` must skip done rows.
      {
        table,
        set: { counter: 'counter + 1', note: "'sql'" },
        ...(kind === 'nokey' ? { where: 'counter = 0' } : {}),
      },
      { initialBatchSize: 700, maxBatchSize: 3000 },
    );
    assert.equal(result.status, 'done');
    assert.equal(result.paging, kind === 'nokey' ? 'ctid' : 'keyset');
    assert.equal(result.rowsChanged, ROWS);
    assert.ok(result.batches > 1, `expected several batches, got ${result.batches}`);
    assert.deepEqual(await counterHistogram(file.tdb, table), { 1: ROWS });
  });

  test(`JS transform over a ${kind} key touches every row exactly once`, async () => {
    const table = await createKeyTable(file.tdb, kind, ROWS, '_js');
    const result = await runBackfill(
      file.db,
      { table, set: {}, ...(kind === 'nokey' ? { where: 'counter = 0' } : {}) },
      {
        job: `js-${kind}`,
        initialBatchSize: 500,
        transform: (row) => ({
          counter: (row.counter as number) + 1,
          note: `js ${String(row.id ?? row.seq)}`,
        }),
      },
    );
    assert.equal(result.status, 'done');
    assert.equal(result.rowsChanged, ROWS);
    assert.deepEqual(await counterHistogram(file.tdb, table), { 1: ROWS });
  });
}

test('ctid paging without a `where` that skips done rows is refused, with what to do instead', async () => {
  const table = await createKeyTable(file.tdb, 'nokey', 100, '_refused');
  await assert.rejects(
    runBackfill(file.db, { table, set: { counter: 'counter + 1' } }),
    (error: unknown) =>
      error instanceof UnsafeOperationError &&
      /no primary key/.test(error.message) &&
      /add a primary key/.test(error.message),
  );
  assert.deepEqual(await counterHistogram(file.tdb, table), { 0: 100 });
});
