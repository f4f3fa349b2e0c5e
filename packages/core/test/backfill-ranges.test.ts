/**
 * runBackfill as concurrent key ranges in one process (pg/ranged.ts): each row exactly once,
 * resumable, cancellable and pausable like one stream, on small pools too, and only where it
 * applies (tables of ≥ 100 000 rows with one integer key).
 */
import assert from 'node:assert/strict';
import {
  type BackfillResult,
  type BatchReport,
  backfillStatus,
  CheckpointConflictError,
  type Database,
  postgresDatabaseFromUrl,
  requestBackfill,
  runBackfill,
} from '@ballast/core';
import { CHECKPOINT_TABLE } from '@ballast/core/adapter';
import { test } from 'vitest';
import { postgresSource } from '../src/backfill/pg/source.js';
import { STEP_WINDOW, StreamPacer } from '../src/backfill/streams.js';
import { counterHistogram, createKeyTable, pgDatabaseForFile } from './fixtures/backfill-tables.js';

const ctx = pgDatabaseForFile('bfranges');
const ROWS = 120_000;
const bump = { counter: 'counter + 1' };

const sql = <T>(text: string, params: unknown[] = []) => ctx.db.withSession((s) => s.query<T>(text, params));

/** The job's row and its ranges' rows; none when no backfill made the table yet (a dry run alone). */
const checkpoints = async (job: string) => {
  const [made] = await sql<{ made: boolean }>('select to_regclass($1) is not null as made', [
    CHECKPOINT_TABLE,
  ]);
  if (!made?.made) return [];
  return sql<{ job: string; status: string; rows_done: string; paging: string }>(
    `select job, status, rows_done::text, paging from ${CHECKPOINT_TABLE}
      where job = $1 or starts_with(job, $1 || '#') order by length(job), job`,
    [job],
  );
};

async function withPool<T>(max: number, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = postgresDatabaseFromUrl(ctx.tdb.url, { max });
  try {
    return await fn(db);
  } finally {
    await db.close?.();
  }
}

test('a big table with one integer key is filled as key ranges, every row once; a rerun is already done', async () => {
  const table = await createKeyTable(ctx.tdb, 'int', ROWS, '_ranged');
  const job = 'ranged-sql';
  const result = await runBackfill(ctx.db, { table, set: bump }, { job });
  assert.equal(result.status, 'done');
  assert.equal(result.paging, 'key-ranges');
  assert.equal(result.rowsDone, ROWS);
  assert.equal(result.rowsChanged, ROWS);
  // Nobody waited on the idle table: the second stream was let in after the first calm batches.
  assert.equal(result.streams, 2);
  assert.deepEqual(await counterHistogram(ctx.tdb, table), { 1: ROWS });

  const rows = await checkpoints(job);
  assert.deepEqual(rows[0], { job, status: 'done', rows_done: String(ROWS), paging: 'key-ranges' });
  assert.equal(rows.length, 1 + 8, 'the job row and 2 streams × 4 ranges');
  assert.ok(rows.slice(1).every((r) => r.status === 'done' && r.paging === 'keyset'));
  const [status] = await backfillStatus(ctx.db, job);
  assert.equal(status?.rowsDone, ROWS);
  assert.equal(status?.state, 'done');
  // The full list shows the job, not its ranges; a range asked by name is there.
  const all = (await backfillStatus(ctx.db)).map((j) => j.job);
  assert.ok(all.includes(job), all.join(', '));
  assert.ok(!all.some((name) => name.startsWith(`${job}#`)), all.join(', '));
  assert.equal((await backfillStatus(ctx.db, `${job}#0`))[0]?.status, 'done');

  const again = await runBackfill(ctx.db, { table, set: bump }, { job });
  assert.equal(again.status, 'already-done');
  assert.deepEqual(await counterHistogram(ctx.tdb, table), { 1: ROWS });

  // restart forgets the job and its ranges: every row once more.
  const restarted = await runBackfill(ctx.db, { table, set: bump }, { job, restart: true, concurrency: 3 });
  assert.equal(restarted.status, 'done');
  assert.equal(restarted.resumed, false);
  assert.deepEqual(await counterHistogram(ctx.tdb, table), { 2: ROWS });
  assert.equal((await checkpoints(job)).length, 1 + 12);
});

test('a dry run says how the job would run (key ranges or one stream) and writes nothing', async () => {
  const table = await createKeyTable(ctx.tdb, 'int', ROWS, '_dry');
  const job = 'ranged-dry';
  const dry = (options: { concurrency?: number; restart?: boolean } = {}) =>
    runBackfill(ctx.db, { table, set: bump }, { job, dryRun: true, ...options });
  const planned = await dry();
  assert.equal(planned.status, 'dry-run');
  assert.equal(planned.paging, 'key-ranges');
  assert.equal(planned.estimatedRows, ROWS);
  assert.equal((await dry({ concurrency: 1 })).paging, 'keyset');
  assert.deepEqual(await counterHistogram(ctx.tdb, table), { 0: ROWS });
  assert.deepEqual(await checkpoints(job), []);

  // A job started as one stream stays one: its dry run says so, unless it would restart.
  await runBackfill(ctx.db, { table, set: bump }, { job, concurrency: 1 });
  assert.equal((await dry()).paging, 'keyset');
  assert.equal((await dry({ restart: true })).paging, 'key-ranges');
  assert.deepEqual(await counterHistogram(ctx.tdb, table), { 1: ROWS });
});

test('a JS transform runs as ranges too, exactly once per row', async () => {
  const table = await createKeyTable(ctx.tdb, 'bigint', ROWS, '_ranged_js');
  const result = await runBackfill(
    ctx.db,
    { table, set: {} },
    { job: 'ranged-js', transform: (row) => ({ counter: Number(row.counter) + 1 }) },
  );
  assert.equal(result.paging, 'key-ranges');
  assert.deepEqual(await counterHistogram(ctx.tdb, table), { 1: ROWS });
});

test('one stream where ranges do not apply: concurrency 1, a small table, a key that is not one integer', async () => {
  const big = await createKeyTable(ctx.tdb, 'int', ROWS, '_one');
  const one = await runBackfill(ctx.db, { table: big, set: bump }, { job: 'one-stream', concurrency: 1 });
  assert.equal(one.paging, 'keyset');
  assert.equal(one.streams, undefined);

  const small = await createKeyTable(ctx.tdb, 'int', 50_000, '_small');
  assert.equal((await runBackfill(ctx.db, { table: small, set: bump }, { job: 'small' })).paging, 'keyset');

  const uuid = await createKeyTable(ctx.tdb, 'uuid', ROWS, '_uuid');
  assert.equal((await runBackfill(ctx.db, { table: uuid, set: bump }, { job: 'uuid' })).paging, 'keyset');
  for (const table of [big, small, uuid])
    assert.deepEqual(Object.keys(await counterHistogram(ctx.tdb, table)), ['1'], table);

  // A job started as one stream resumes as one stream, whatever concurrency says now.
  const resumed = await runBackfill(ctx.db, { table: big, set: bump }, { job: 'one-stream', concurrency: 4 });
  assert.equal(resumed.status, 'already-done');
});

for (const max of [1, 2, 3]) {
  test(`a pool of ${max} connection(s): the job finishes exactly once (extra streams only with their own guard)`, async () => {
    const table = await createKeyTable(ctx.tdb, 'int', ROWS, `_pool${max}`);
    const result = await withPool(max, (db) => runBackfill(db, { table, set: bump }, { job: `pool-${max}` }));
    assert.equal(result.status, 'done');
    assert.equal(result.paging, 'key-ranges');
    // Two streams need a job and a guard connection each.
    assert.equal(result.streams, 1);
    assert.deepEqual(await counterHistogram(ctx.tdb, table), { 1: ROWS });
  });
}

test('cancel from another process, then pause and resume: every row once across the runs', async () => {
  const table = await createKeyTable(ctx.tdb, 'int', ROWS, '_control');
  const job = 'ranged-control';
  // Small fixed batches with a pause between them, so requests land mid-job.
  const inSmallBatches = (onBatch: (b: BatchReport) => void) =>
    runBackfill(
      ctx.db,
      { table, set: bump },
      { job, initialBatchSize: 500, maxBatchSize: 500, pauseMs: 10, onBatch },
    );
  let asked = false;
  const first = await inSmallBatches((b) => {
    if (b.index === 30 && !asked) {
      asked = true;
      void requestBackfill(ctx.db, job, 'cancel');
    }
  });
  assert.equal(first.status, 'cancelled');
  assert.ok(first.rowsDone < ROWS && first.rowsDone > 0, String(first.rowsDone));
  assert.equal((await checkpoints(job))[0]?.status, 'cancelled');

  // Paused from outside: no batch runs until resume; then it finishes.
  let pausedAt = -1;
  let batchesWhilePaused = 0;
  let paused = false;
  const second = inSmallBatches((b) => {
    if (paused) batchesWhilePaused += 1;
    if (pausedAt < 0) {
      pausedAt = b.index;
      void requestBackfill(ctx.db, job, 'pause');
    }
  });
  let state: string | undefined;
  for (let i = 0; i < 200 && state !== 'paused'; i++) {
    await new Promise((r) => setTimeout(r, 50));
    [{ state } = { state: undefined }] = await backfillStatus(ctx.db, job);
  }
  assert.equal(state, 'paused');
  paused = true;
  await new Promise((r) => setTimeout(r, 700));
  // A batch already running when the pause was seen by one stream may still commit in the other.
  assert.ok(batchesWhilePaused <= 1, `batches while paused: ${batchesWhilePaused}`);
  paused = false;
  assert.ok(await requestBackfill(ctx.db, job, null));
  const done: BackfillResult = await second;
  assert.equal(done.status, 'done');
  assert.equal(done.resumed, true);
  assert.equal(done.rowsDone, ROWS);
  assert.ok(done.pauses.some((p) => p.reason.includes('ballast backfill pause')));
  assert.deepEqual(await counterHistogram(ctx.tdb, table), { 1: ROWS });
});

test('an AbortSignal stops every stream after its batch; the rerun finishes the job exactly once', async () => {
  const table = await createKeyTable(ctx.tdb, 'int', ROWS, '_abort');
  const stop = new AbortController();
  const indexes: number[] = [];
  const first = await runBackfill(
    ctx.db,
    { table, set: bump },
    {
      job: 'ranged-abort',
      signal: stop.signal,
      initialBatchSize: 500,
      maxBatchSize: 500,
      onBatch: (b) => {
        indexes.push(b.index);
        if (b.index >= 25) stop.abort();
      },
    },
  );
  assert.equal(first.status, 'cancelled');
  // Each batch of the job has its own number, whichever stream ran it: 1..batches, none twice.
  assert.deepEqual(
    [...indexes].sort((a, b) => a - b),
    Array.from({ length: first.batches }, (_, i) => i + 1),
  );
  const second = await runBackfill(ctx.db, { table, set: bump }, { job: 'ranged-abort' });
  assert.equal(second.status, 'done');
  assert.equal(second.rowsDone, ROWS);
  assert.deepEqual(await counterHistogram(ctx.tdb, table), { 1: ROWS });
});

test('two processes start the same job at once: one plan of ranges, every row once', async () => {
  const table = await createKeyTable(ctx.tdb, 'int', ROWS, '_race');
  const results = await Promise.all(
    [0, 1].map(() =>
      withPool(5, (db) =>
        runBackfill(
          db,
          { table, set: bump },
          { job: 'ranged-race', initialBatchSize: 500, maxBatchSize: 2000 },
        ),
      ),
    ),
  );
  for (const r of results) assert.ok(['done', 'already-done'].includes(r.status), r.status);
  assert.deepEqual(await counterHistogram(ctx.tdb, table), { 1: ROWS });
  assert.equal((await checkpoints('ranged-race')).length, 1 + 8, 'one plan, not two');
});

test("a range's checkpoint deleted under a job: a clear refusal, never a fill of the whole table again", async () => {
  const table = await createKeyTable(ctx.tdb, 'int', ROWS, '_missing');
  const stop = new AbortController();
  await runBackfill(
    ctx.db,
    { table, set: bump },
    { job: 'ranged-missing', signal: stop.signal, onBatch: (b) => b.index === 3 && stop.abort() },
  );
  await sql(`delete from ${CHECKPOINT_TABLE} where job = 'ranged-missing#5'`);
  await assert.rejects(
    runBackfill(ctx.db, { table, set: bump }, { job: 'ranged-missing' }),
    /checkpoints of 1 of its ranges are missing[\s\S]*restart: true/,
  );

  // Deleted while the job runs: that range stops the job, and no whole-table checkpoint is left.
  const other = await createKeyTable(ctx.tdb, 'int', ROWS, '_missing_late');
  let deleted = false;
  await assert.rejects(
    runBackfill(
      ctx.db,
      { table: other, set: bump },
      {
        job: 'ranged-missing-late',
        concurrency: 2,
        onBatch: () => {
          if (deleted) return;
          deleted = true;
          void sql(`delete from ${CHECKPOINT_TABLE} where job = 'ranged-missing-late#7'`);
        },
      },
    ),
    /the checkpoint of its range 7 is missing/,
  );
  assert.equal((await checkpoints('ranged-missing-late')).filter((r) => r.job.endsWith('#7')).length, 0);
  const filled = await counterHistogram(ctx.tdb, other);
  assert.deepEqual(Object.keys(filled).sort(), ['0', '1'], JSON.stringify(filled));
});

test('a one-stream runner that lost the start race to a ranged one refuses, never resets the job to one stream', async () => {
  const table = await createKeyTable(ctx.tdb, 'int', ROWS, '_lost_race');
  const stop = new AbortController();
  await runBackfill(
    ctx.db,
    { table, set: bump },
    { job: 'ranged-race-lost', signal: stop.signal, onBatch: (b) => b.index === 2 && stop.abort() },
  );
  // What a one-stream runner does when it found no job row, then another runner created one as ranges.
  const source = await postgresSource(ctx.db, { table, set: bump, lockTimeoutMs: 1000, maxClientWaitMs: 0 });
  await assert.rejects(source.open('ranged-race-lost', false), (error: Error) => {
    assert.ok(error instanceof CheckpointConflictError, String(error));
    assert.match(error.message, /runs as key ranges[\s\S]*rerun: the run joins its ranges/);
    return true;
  });
  assert.equal((await checkpoints('ranged-race-lost'))[0]?.paging, 'key-ranges');
  const done = await runBackfill(ctx.db, { table, set: bump }, { job: 'ranged-race-lost' });
  assert.equal(done.status, 'done');
  assert.deepEqual(await counterHistogram(ctx.tdb, table), { 1: ROWS });
});

test('options.concurrency is checked', async () => {
  for (const concurrency of [0, 1.5, -1, '2', null])
    await assert.rejects(
      runBackfill(ctx.db, { table: 'anything', set: bump }, { concurrency } as never),
      /options\.concurrency/,
      String(concurrency),
    );
});

test('StreamPacer: one more stream while few batches yield, one fewer when many do, never more at once', async () => {
  const steps: number[] = [];
  const pacer = new StreamPacer(3, (n) => steps.push(n));
  const yielded = new Error('yielded');
  const ok = () =>
    pacer.batch(
      async () => {},
      () => false,
    );
  const yields = () =>
    assert.rejects(
      pacer.batch(
        () => Promise.reject(yielded),
        (e) => e === yielded,
      ),
      /yielded/,
    );
  // One yield in a window is the batch size's business: still a step up.
  await yields();
  for (let i = 1; i < STEP_WINDOW; i++) await ok();
  assert.deepEqual(steps, [2]);
  for (let i = 0; i < 5 * STEP_WINDOW; i++) await ok();
  assert.deepEqual(steps, [2, 3], 'never above the maximum');
  // Four yields in ten batches: one stream fewer.
  for (let i = 0; i < STEP_WINDOW; i++) await (i % 5 < 2 ? yields() : ok());
  assert.equal(pacer.allowed, 2);
  // Two in ten: neither (more than STEP_UP_YIELDS, not more than STEP_DOWN_YIELDS).
  for (let i = 0; i < STEP_WINDOW; i++) await (i % 5 === 0 ? yields() : ok());
  assert.equal(pacer.allowed, 2);
  assert.deepEqual(steps, [2, 3]);

  // Six batches at once with two allowed: at most two run together.
  const two = new StreamPacer(2);
  for (let i = 0; i < STEP_WINDOW; i++)
    await two.batch(
      async () => {},
      () => false,
    );
  assert.equal(two.allowed, 2);
  let running = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: 6 }, () =>
      two.batch(
        async () => {
          running += 1;
          most = Math.max(most, running);
          await new Promise((r) => setTimeout(r, 10));
          running -= 1;
        },
        () => false,
      ),
    ),
  );
  assert.equal(most, 2);
  assert.equal(two.peak, 2);
  two.cap(1);
  assert.equal(two.allowed, 1);
});
