/**
 * Issue #11's acceptance on the harness's MariaDB (BALLAST_SERVERS=postgres,mysql): every Knex
 * helper with a MySQL/MariaDB plan runs through a real Knex instance while 4 clients read, insert
 * and update the table and a long reader holds the table's metadata lock, beside the naive
 * statement in the same conditions (bench/mysql-helpers/: the cases and the run are shared with
 * `pnpm bench:mysql-helpers`, which measures the waits). Asserted on what the server and the
 * clients saw, never on a clock: the naive statement makes a client wait on the lock (seen in
 * the processlist; the reader ends only once it was seen), no client waits on a metadata lock
 * while the reader holds the table during the helper (it waits without queueing), no client query
 * fails, and information_schema shows the schema asked for. BALLAST_MYSQL_LOAD_ROWS sets the
 * table size (default 20k).
 */
import assert from 'node:assert/strict';
import { planAddForeignKey, readServerInfo, runPlan } from '@ballast/core';
import { freezePlan } from '@ballast/core/adapter';
import { connect, mysqlTestDatabase } from '@ballast/testkit';
import knexFactory from 'knex';
import { afterAll, beforeAll, test } from 'vitest';
import { HELPER_CASES } from '../../../bench/mysql-helpers/cases.js';
import {
  type CaseOptions,
  type CaseRun,
  createTemplate,
  ensureMetadataLockInfo,
  runCase,
} from '../../../bench/mysql-helpers/run-case.js';
import { knexDatabase } from '../src/database.js';

const ROWS = Number(process.env.BALLAST_MYSQL_LOAD_ROWS ?? 20_000);
const TEMPLATE = 'helpers_load_template';

let serverUrl: string;
let installed = false;
beforeAll(async () => {
  serverUrl = process.env.BALLAST_MYSQL_URL ?? '';
  assert.ok(serverUrl, 'BALLAST_MYSQL_URL: run with BALLAST_SERVERS=postgres,mysql');
  installed = await ensureMetadataLockInfo(serverUrl);
  await createTemplate(serverUrl, TEMPLATE, ROWS);
});
afterAll(async () => {
  const admin = await connect(serverUrl);
  try {
    await admin.query(`drop database if exists ${TEMPLATE}`);
    if (installed) await admin.query("uninstall soname 'metadata_lock_info'");
  } finally {
    await admin.close();
  }
});

const options = (): CaseOptions => ({
  serverUrl,
  template: TEMPLATE,
  rows: ROWS,
  clients: 4,
  holdMs: 300,
  warmMs: 200,
  coolMs: 50,
});
const onMetadataLock = (waits: CaseRun['clientWaits']) => waits.filter((w) => /metadata lock/.test(w.state));
const explain = (run: CaseRun) =>
  `${run.helper} ${run.mode}: ${run.outcome}; ${JSON.stringify(run.measure)}\n${run.log.join('\n')}`;

for (const helperCase of HELPER_CASES) {
  const { helper, refuses } = helperCase;
  test(`${helper}: the naive statement queues behind the reader; the helper under 4 clients does not, 0 errors, schema as asked`, async () => {
    // The reader is held until a wait is seen (capped so a regression fails instead of hanging).
    const naive = await runCase(helperCase, 'naive', { ...options(), holdMs: 20_000, releaseOnWait: true });
    assert.equal(naive.outcome, 'done', explain(naive));
    assert.ok(naive.schemaAsAsked, explain(naive));
    if (helper === 'backfill') {
      // One UPDATE over every row: clients' updates wait on its row locks until it commits.
      assert.ok(
        naive.clientWaits.some((w) => w.state === 'row lock wait'),
        explain(naive),
      );
    } else if (helperCase.naiveBlocks === 'itself') {
      // DROP TABLE of a table the application no longer uses: only the statement queues.
      assert.ok(
        naive.statementWaits.some((w) => /metadata lock/.test(w.state)),
        explain(naive),
      );
    } else {
      assert.ok(
        onMetadataLock(naive.clientWaitsWhileHeld).length > 0,
        `no client seen waiting: ${explain(naive)}`,
      );
    }

    const run = await runCase(helperCase, 'ballast', options());
    assert.equal(run.outcome, refuses ? `refused: ${refuses}` : 'done', explain(run));
    assert.equal(run.measure.errors, 0, explain(run));
    // While the reader holds the table the helper waits for it without asking for the lock, so
    // nobody queues behind it (the DDL's own instant of exclusive lock comes after: see CaseRun).
    assert.deepEqual(onMetadataLock(run.clientWaitsWhileHeld), [], explain(run));
    assert.ok(run.schemaAsAsked, `schema not as asked: ${explain(run)}`);
  });
}

// MariaDB's default: no METADATA_LOCK_INFO, so nobody can say who holds the table. The runner then
// waits out every long open transaction instead of queueing behind it for lock_wait_timeout.
test('without METADATA_LOCK_INFO a helper still waits for the reader without queueing clients', async () => {
  const admin = await connect(serverUrl);
  try {
    await admin.query("uninstall soname 'metadata_lock_info'");
    const helperCase = HELPER_CASES.find((c) => c.helper === 'safeAddColumn')!;
    const run = await runCase(helperCase, 'ballast', options());
    assert.equal(run.outcome, 'done', explain(run));
    assert.equal(run.measure.errors, 0, explain(run));
    assert.deepEqual(onMetadataLock(run.clientWaitsWhileHeld), [], explain(run));
    assert.ok(run.schemaAsAsked, explain(run));
  } finally {
    await admin.query("install soname 'metadata_lock_info'").catch(() => {});
    await admin.close();
  }
});

// The bench showed clients waiting as long as addForeignKey's orphan check scanned the table.
test("addForeignKey's orphan check reads a snapshot: a writer's row lock does not stop it, so it stops no writer", async () => {
  const db = await mysqlTestDatabase('fkcheck');
  const knex = knexFactory({ client: 'mysql2', connection: db.url, pool: { min: 0, max: 2 } });
  const writer = await db.connect();
  try {
    await writer.query('create table parents (id int primary key) engine=InnoDB');
    await writer.query('create table kids (id int primary key, parent_id int, v int) engine=InnoDB');
    await writer.query('insert into parents values (1), (2)');
    await writer.query('insert into kids values (1, 1, 0), (2, 2, 0), (3, null, 0)');
    const database = knexDatabase(knex);
    const server = await database.withSession(readServerInfo);
    const check = planAddForeignKey(
      { table: 'kids', columns: ['parent_id'], references: { table: 'parents', columns: ['id'] } },
      server,
    ).steps[0]!;
    await writer.query('start transaction');
    await writer.query('update kids set v = v + 1 where id = 2');
    // A locking read would wait for row 2 until lock_wait_timeout, then fail (one attempt).
    const report = await runPlan(
      database,
      freezePlan({ operation: 'check', target: 'kids', steps: [check], reverse: [], notes: [] }),
      { lock: false, retry: { maxAttempts: 1 }, log: () => {} },
    );
    assert.deepEqual(
      report.steps.map((s) => s.status),
      ['applied'],
    );
  } finally {
    await writer.query('rollback').catch(() => {});
    await writer.close();
    await knex.destroy();
    await db.drop();
  }
});
