/**
 * The InnoDB backfill source (BALLAST_SERVERS=postgres,mysql): keyset batches on the primary
 * key, checkpoints in an InnoDB table committed with each batch, so a backfill killed with
 * kill -9 and rerun changes every row exactly once.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { planBackfill, readServerInfo, runBackfill, runPlan } from '@ballast/core';
import { afterAll, beforeAll, test } from 'vitest';
import { type MysqlFixture, mysqlFixture } from './support/mysql.js';

const CHILD = fileURLToPath(new URL('./fixtures/mysql-backfill-child.ts', import.meta.url));
const ROWS = 20_000;
const BATCH = 200;

let fx: MysqlFixture;
beforeAll(async () => {
  fx = await mysqlFixture('mybackfill');
});
afterAll(() => fx.close());

async function createCounters(table: string, rows: number): Promise<void> {
  await fx.sql(
    `create table ${table} (id bigint primary key auto_increment, counter int not null default 0) engine=InnoDB`,
  );
  for (let from = 1; from <= rows; from += 1000) {
    const ids = Array.from({ length: Math.min(1000, rows - from + 1) }, (_, i) => `(${from + i})`);
    await fx.sql(`insert into ${table} (id) values ${ids.join(', ')}`);
  }
}

const histogram = async (table: string) =>
  Object.fromEntries(
    (
      await fx.sql<{ counter: number; n: number }>(
        `select counter, count(*) as n from ${table} group by counter`,
      )
    ).map((r) => [r.counter, Number(r.n)]),
  );

/** Runs the child until it printed `batch <at>`, then kill -9; the batches it reported. */
function runChildAndKill(table: string, job: string, at: number): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--conditions=ballast-source', '--import', 'tsx', CHILD, fx.test.url, table, job, String(BATCH)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  let seen = 0;
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      for (const m of String(d).matchAll(/batch (\d+)/g)) seen = Math.max(seen, Number(m[1]));
      if (seen >= at && child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL'
        ? resolve(seen)
        : reject(new Error(`child ended (${code}) before the kill: ${stderr}`)),
    );
  });
}

test('kill -9 mid-backfill three times, then rerun: every row changed exactly once', async () => {
  await createCounters('counters', ROWS);
  const job = 'crash-mysql';
  for (const at of [3, 17, 41]) await runChildAndKill('counters', job, at);
  const [checkpoint] = await fx.sql<{ batches: number; status: string }>(
    'select batches, status from ballast_backfill_checkpoints where job = ?',
    [job],
  );
  assert.ok(
    Number(checkpoint!.batches) >= 41 && checkpoint!.status === 'running',
    JSON.stringify(checkpoint),
  );
  const result = await runBackfill(fx.db, { table: 'counters', set: { counter: 'counter + 1' } }, { job });
  assert.equal(result.status, 'done');
  assert.equal(result.resumed, true);
  assert.equal(result.rowsDone, ROWS);
  assert.deepEqual(await histogram('counters'), { 1: ROWS });
  const engine = await fx.sql(
    "select ENGINE as e from information_schema.TABLES where TABLE_SCHEMA = database() and TABLE_NAME = 'ballast_backfill_checkpoints'",
  );
  assert.deepEqual(engine, [{ e: 'InnoDB' }]);
  const again = await runBackfill(fx.db, { table: 'counters', set: { counter: 'counter + 1' } }, { job });
  assert.equal(again.status, 'already-done');
  assert.deepEqual(await histogram('counters'), { 1: ROWS });
});

test('planBackfill plans for MySQL and runPlan runs it: composite key, a where, rows outside it untouched', async () => {
  await fx.sql(
    'create table pairs (a int not null, b varchar(10) not null, v int, primary key (a, b)) engine=InnoDB',
  );
  const values = Array.from({ length: 50 }, (_, i) => `(${i % 5}, 'k${i}', ${i % 2 === 0 ? 'null' : i})`);
  await fx.sql(`insert into pairs values ${values.join(', ')}`);
  const server = await fx.db.withSession(readServerInfo);
  const plan = planBackfill({ table: 'pairs', set: { v: 'a * 1000' }, where: 'v is null' }, server);
  assert.equal(plan.steps[0]!.lock, 'METADATA SHARED');
  const report = await runPlan(fx.db, plan, {
    lock: false,
    backfill: { initialBatchSize: 7, maxBatchSize: 7, minBatchSize: 7 },
  });
  assert.deepEqual(
    report.steps.map((s) => s.status),
    ['applied'],
  );
  const rows = await fx.sql<{ a: number; b: string; v: number }>('select a, b, v from pairs');
  assert.equal(rows.length, 50);
  for (const r of rows) {
    const i = Number(r.b.slice(1));
    assert.equal(r.v, i % 2 === 0 ? r.a * 1000 : i, `${r.a},${r.b}`);
  }
});

test('concurrency > 1 is refused on MySQL (key-range streams are PostgreSQL only), 1 runs as asked', async () => {
  await createCounters('bf_streams', 10);
  await assert.rejects(
    runBackfill(fx.db, { table: 'bf_streams', set: { counter: 'counter + 1' } }, { concurrency: 2 }),
    /options\.concurrency[\s\S]*PostgreSQL only/,
  );
  assert.deepEqual(await histogram('bf_streams'), { 0: 10 }, 'nothing ran');
  const one = await runBackfill(
    fx.db,
    { table: 'bf_streams', set: { counter: 'counter + 1' } },
    { concurrency: 1 },
  );
  assert.equal(one.status, 'done');
  assert.deepEqual(await histogram('bf_streams'), { 1: 10 });
});
