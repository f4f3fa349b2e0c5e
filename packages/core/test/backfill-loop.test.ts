import assert from 'node:assert/strict';
import {
  BackfillError,
  backfillStatus,
  type ProgressEvent,
  postgresDatabaseFromUrl,
  runBackfill,
} from '@ballast/core';
import { type BatchReport, CHECKPOINT_TABLE, replicaLagThrottle } from '@ballast/core/adapter';
import { test } from 'vitest';
import { counterHistogram, createKeyTable, pgDatabaseForFile } from './fixtures/backfill-tables.js';

const ROWS = 20_000;
const file = pgDatabaseForFile('bfloop');

async function query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const conn = await file.tdb.connect();
  try {
    return await conn.query<T>(sql, params);
  } finally {
    await conn.close();
  }
}

test('batch size grows toward the target when batches are fast, and shrinks when slow', async () => {
  const table = await createKeyTable(file.tdb, 'int', ROWS, '_grow');
  const grow: BatchReport[] = [];
  await runBackfill(
    file.db,
    { table, set: { counter: 'counter + 1' } },
    { initialBatchSize: 100, maxBatchSize: 10_000, targetBatchMs: 200, onBatch: (b) => grow.push(b) },
  );
  assert.ok(grow.length > 2);
  assert.ok(grow[2]!.limit > grow[0]!.limit, `sizes ${grow.map((b) => b.limit).join(',')} should grow`);

  const shrink: BatchReport[] = [];
  await runBackfill(
    file.db,
    { table, set: { counter: 'counter + 1' } },
    {
      job: 'shrink',
      initialBatchSize: 8000,
      minBatchSize: 50,
      targetBatchMs: 1,
      onBatch: (b) => shrink.push(b),
    },
  );
  assert.ok(
    shrink[1]!.limit < shrink[0]!.limit,
    `sizes ${shrink.map((b) => b.limit).join(',')} should shrink`,
  );
  assert.ok(shrink.every((b) => b.limit >= 50));
  assert.deepEqual(await counterHistogram(file.tdb, table), { 2: ROWS });
});

test('a throttle callback makes the loop pause, and the pauses are recorded', async () => {
  const table = await createKeyTable(file.tdb, 'int', ROWS, '_throttle');
  let asked = 0;
  const result = await runBackfill(
    file.db,
    { table, set: { counter: 'counter + 1' } },
    {
      initialBatchSize: 2000,
      maxBatchSize: 2000,
      // e.g. the application's error rate: asks for three short waits before batch 3
      throttles: [
        (ctx) => (ctx.batches === 2 && asked++ < 3 ? { waitMs: 5, reason: 'error rate 3%' } : undefined),
      ],
    },
  );
  assert.deepEqual(
    result.pauses.map((p) => [p.reason, p.afterBatch]),
    [
      ['error rate 3%', 2],
      ['error rate 3%', 2],
      ['error rate 3%', 2],
    ],
  );
  assert.deepEqual(await counterHistogram(file.tdb, table), { 1: ROWS });
});

test('the replica-lag throttle waits while the lag it reads exceeds the bound', async () => {
  // No replica is attached to the test server: pg_stat_replication reports none, so no pause...
  const none = await replicaLagThrottle(file.db, 1000)({ job: 'j', batches: 0, rowsDone: 0 });
  assert.equal(none, undefined);
  // ...and a lag reading above the bound asks for a wait naming the lag.
  const lags = [7200, 300];
  const throttle = replicaLagThrottle(file.db, 5000, async () => lags.shift() ?? 0);
  assert.match(
    (await throttle({ job: 'j', batches: 0, rowsDone: 0 }))!.reason,
    /replica lag 7\.2 s > 5\.0 s/,
  );
  assert.equal(await throttle({ job: 'j', batches: 0, rowsDone: 0 }), undefined);
  // A reading within bounds is reused for a second (a round trip per batch would slow short
  // batches); one over the bound is read again before every batch, as above.
  const later = [300, 7200];
  const sampled = replicaLagThrottle(file.db, 5000, async () => later.shift() ?? 0);
  assert.equal(await sampled({ job: 'j', batches: 0, rowsDone: 0 }), undefined);
  assert.equal(await sampled({ job: 'j', batches: 1, rowsDone: 0 }), undefined);
  assert.deepEqual(later, [7200], 'the second batch did not read the lag again');
});

test('progress events carry rows done, the estimated total, rate and ETA', async () => {
  const table = await createKeyTable(file.tdb, 'bigint', ROWS, '_progress');
  const updates: ProgressEvent[] = [];
  const finished: ProgressEvent[] = [];
  await runBackfill(
    file.db,
    { table, set: { counter: 'counter + 1' } },
    {
      initialBatchSize: 1000,
      maxBatchSize: 1000,
      progress: { update: (e) => updates.push(e), finish: (e) => finished.push(e) },
    },
  );
  assert.ok(updates.length >= 15, `${updates.length} updates`);
  assert.equal(updates[0]!.total, ROWS);
  assert.ok(updates.every((e, i) => i === 0 || e.done > updates[i - 1]!.done));
  assert.ok(updates.some((e) => e.rate !== undefined && e.etaSeconds !== undefined));
  assert.equal(finished.length, 1);
  assert.equal(finished[0]!.done, ROWS);
});

test('a dry run estimates rows and batches and writes nothing', async () => {
  const table = await createKeyTable(file.tdb, 'uuid', ROWS, '_dry');
  const result = await runBackfill(
    file.db,
    { table, set: { counter: 'counter + 1' } },
    { dryRun: true, initialBatchSize: 1000, maxBatchSize: 5000 },
  );
  assert.equal(result.status, 'dry-run');
  assert.equal(result.estimatedRows, ROWS);
  assert.deepEqual(result.estimatedBatches, { atInitialSize: 20, atMaxSize: 4 });
  assert.deepEqual(await counterHistogram(file.tdb, table), { 0: ROWS });
  const [job] = await query<{ n: string }>(
    `select count(*) as n from ${CHECKPOINT_TABLE} where job like $1`,
    [`public.${table}:%`],
  );
  assert.equal(job!.n, '0');
});

test('cancellation stops after the current batch; a rerun resumes and finishes exactly once', async () => {
  const table = await createKeyTable(file.tdb, 'text', ROWS, '_cancel');
  const controller = new AbortController();
  const first = await runBackfill(
    file.db,
    { table, set: { counter: 'counter + 1' } },
    {
      job: 'cancel-me',
      initialBatchSize: 1000,
      minBatchSize: 1000,
      maxBatchSize: 1000,
      signal: controller.signal,
      onBatch: (b) => b.index === 5 && controller.abort(),
    },
  );
  assert.equal(first.status, 'cancelled');
  assert.equal(first.rowsDone, 5000);
  const [cp] = await query<{ status: string; rows_done: string }>(
    `select status, rows_done from ${CHECKPOINT_TABLE} where job = 'cancel-me'`,
  );
  assert.deepEqual(cp, { status: 'cancelled', rows_done: '5000' });
  assert.deepEqual(await counterHistogram(file.tdb, table), { 0: ROWS - 5000, 1: 5000 });

  const second = await runBackfill(file.db, { table, set: { counter: 'counter + 1' } }, { job: 'cancel-me' });
  assert.equal(second.status, 'done');
  assert.equal(second.resumed, true);
  assert.equal(second.rowsDone, ROWS);
  assert.deepEqual(await counterHistogram(file.tdb, table), { 1: ROWS });

  const third = await runBackfill(file.db, { table, set: { counter: 'counter + 1' } }, { job: 'cancel-me' });
  assert.equal(third.status, 'already-done');
  const [status] = await backfillStatus(file.db, 'cancel-me');
  assert.deepEqual(
    { status: status?.status, rowsDone: status?.rowsDone, target: status?.target },
    { status: 'done', rowsDone: ROWS, target: `public.${table}` },
  );
  assert.deepEqual(await counterHistogram(file.tdb, table), { 1: ROWS });
});

test('a JS transform restructures a JSON column into a versioned shape, skipping rows already migrated', async () => {
  await query(`create table profiles (id bigserial primary key, doc jsonb not null)`);
  await query(
    `insert into profiles (doc)
     select case when g % 10 = 0 then jsonb_build_object('v', 2, 'name', jsonb_build_object('first', 'F' || g, 'last', 'L'))
                 else jsonb_build_object('first', 'F' || g, 'last', 'L') end
       from generate_series(1, $1::int) g`,
    [ROWS],
  );
  type Doc = { v?: number; first?: string; last?: string };
  const result = await runBackfill(
    file.db,
    { table: 'profiles', set: {} },
    {
      transform: (row) => {
        const doc = row.doc as Doc;
        if (doc.v === 2) return undefined;
        return { doc: { v: 2, name: { first: doc.first, last: doc.last } } };
      },
    },
  );
  assert.equal(result.rowsDone, ROWS);
  assert.equal(result.rowsChanged, ROWS - ROWS / 10);
  const [bad] = await query<{ n: string }>(
    `select count(*) as n from profiles where doc->>'v' <> '2' or doc->'name'->>'first' is null or doc ? 'first'`,
  );
  assert.equal(bad!.n, '0');
});

test('hostile table and column names are quoted, never run', async () => {
  const table = 'x"; drop table victims; --';
  await query(`create table victims (id int)`);
  await query(
    `create table "x""; drop table victims; --" (id int primary key, "a""b" int not null default 0)`,
  );
  await query(`insert into "x""; drop table victims; --" (id) select generate_series(1, 500)`);
  const result = await runBackfill(file.db, { table, set: { 'a"b': '1' } }, { transform: undefined });
  assert.equal(result.rowsChanged, 500);
  const js = await runBackfill(file.db, { table, set: {} }, { transform: () => ({ 'a"b': 2 }) });
  assert.equal(js.rowsChanged, 500);
  assert.equal((await query(`select 1 from victims`)).length, 0);
});

test('a batch blocked by an application row lock times out, is retried smaller, and completes', async () => {
  const table = await createKeyTable(file.tdb, 'int', ROWS, '_locked');
  const holder = await file.tdb.connect();
  try {
    await holder.query('begin');
    await holder.query(`select * from ${table} where id = 5000 for update`);
    const released = new Promise((r) => setTimeout(r, 400)).then(() => holder.query('commit'));
    const result = await runBackfill(
      file.db,
      { table, set: { counter: 'counter + 1' } },
      { lockTimeoutMs: 50, maxRetries: 20, initialBatchSize: 1000, maxBatchSize: 1000 },
    );
    await released;
    assert.equal(result.status, 'done');
    assert.ok(result.retries >= 1, `expected retries, got ${result.retries}`);
    assert.deepEqual(await counterHistogram(file.tdb, table), { 1: ROWS });
  } finally {
    await holder.close();
  }
});

test('a failing transform rolls its batch back, marks the checkpoint failed, and a rerun resumes exactly once', async () => {
  const table = await createKeyTable(file.tdb, 'bigint', ROWS, '_fails');
  const job = 'fails-once';
  const bump = (row: Readonly<Record<string, unknown>>) => ({ counter: Number(row.counter) + 1 });
  await assert.rejects(
    runBackfill(
      file.db,
      { table, set: {} },
      {
        job,
        initialBatchSize: 1000,
        minBatchSize: 1000,
        maxBatchSize: 1000,
        transform: (row) => {
          if (row.id === String(7500 * 10_000_000_000)) throw new Error('bad row');
          return bump(row);
        },
      },
    ),
    (error: unknown) =>
      error instanceof BackfillError &&
      error.job === job &&
      /bad row/.test(error.message) &&
      /rerun/.test(error.message),
  );
  const [cp] = await query<{ status: string; rows_done: string }>(
    `select status, rows_done from ${CHECKPOINT_TABLE} where job = $1`,
    [job],
  );
  assert.deepEqual(cp, { status: 'failed', rows_done: '7000' });
  assert.deepEqual(await counterHistogram(file.tdb, table), { 0: ROWS - 7000, 1: 7000 });
  const rerun = await runBackfill(file.db, { table, set: {} }, { job, transform: bump });
  assert.equal(rerun.resumed, true);
  assert.deepEqual(await counterHistogram(file.tdb, table), { 1: ROWS });
});

test('two runners of one job never both apply a batch: they share it, every row changed exactly once', async () => {
  const table = await createKeyTable(file.tdb, 'int', ROWS, '_race');
  for (const mode of ['sql', 'js'] as const) {
    const options = {
      job: `race-${mode}`,
      initialBatchSize: 200,
      minBatchSize: 200,
      maxBatchSize: 200,
      ...(mode === 'js'
        ? { transform: (row: Readonly<Record<string, unknown>>) => ({ counter: Number(row.counter) + 1 }) }
        : {}),
    };
    const spec = { table, set: mode === 'sql' ? { counter: 'counter + 1' } : ({} as Record<string, string>) };
    const [a, b] = await Promise.all([
      runBackfill(file.db, spec, options),
      runBackfill(file.db, spec, options),
    ]);
    // Each batch was applied by exactly one of them; together they covered the table.
    assert.equal(a.rowsChanged + b.rowsChanged, ROWS);
    const [status] = await backfillStatus(file.db, `race-${mode}`);
    assert.deepEqual(
      { status: status?.status, rowsDone: status?.rowsDone },
      { status: 'done', rowsDone: ROWS },
    );
    assert.deepEqual(await counterHistogram(file.tdb, table), { [mode === 'sql' ? 1 : 2]: ROWS });
  }
});

test('a backfill runs on a one-connection pool (throttles share the job connection)', async () => {
  const table = await createKeyTable(file.tdb, 'int', 5000, '_onepool');
  const single = postgresDatabaseFromUrl(file.tdb.url, { max: 1 });
  try {
    const result = await runBackfill(
      single,
      { table, set: { counter: 'counter + 1' } },
      { maxBatchSize: 1000 },
    );
    assert.equal(result.status, 'done');
    assert.deepEqual(await counterHistogram(file.tdb, table), { 1: 5000 });
  } finally {
    await single.close?.();
  }
});
