/**
 * The MySQL/MariaDB plans of the index and constraint planners, run on the harness's MariaDB
 * (BALLAST_SERVERS=postgres,mysql) while 4 application clients read, insert and update the
 * table: every ALTER states ALGORITHM=INPLACE, LOCK=NONE, no client query fails, writes complete
 * while the plans run, and the schema is as asked, then as before after the reverses. Where the
 * server cannot do it online (CHECK) the planner refuses with the reason and the alternative.
 */
import assert from 'node:assert/strict';
import {
  type MysqlServerInfo,
  type Plan,
  planAddCheck,
  planAddForeignKey,
  planAddUnique,
  planCreateIndex,
  planDropIndex,
  readServerInfo,
  runPlan,
} from '@ballast/core';
import { createTrafficTable, startTraffic } from '@ballast/testkit';
import { afterAll, beforeAll, test } from 'vitest';
import { type MysqlFixture, mysqlFixture } from './support/mysql.js';

let fx: MysqlFixture;
let server: MysqlServerInfo;
beforeAll(async () => {
  fx = await mysqlFixture('myops');
  server = (await fx.db.withSession(readServerInfo)) as MysqlServerInfo;
});
afterAll(() => fx.close());

const reverse = (plan: Plan): Plan => ({ ...plan, steps: plan.reverse, reverse: plan.steps });
const run = (plan: Plan) => runPlan(fx.db, plan, { lock: false });

const indexes = async (table: string) =>
  (
    await fx.sql<{ i: string; u: number }>(
      `select distinct INDEX_NAME as i, 1 - NON_UNIQUE as u from information_schema.STATISTICS
        where TABLE_SCHEMA = database() and TABLE_NAME = ? and INDEX_NAME <> 'PRIMARY' order by 1`,
      [table],
    )
  ).map((r) => `${r.i}${Number(r.u) ? ' unique' : ''}`);

const foreignKeys = async (table: string) =>
  (
    await fx.sql<{ n: string; r: string }>(
      `select CONSTRAINT_NAME as n, REFERENCED_TABLE_NAME as r from information_schema.REFERENTIAL_CONSTRAINTS
        where CONSTRAINT_SCHEMA = database() and TABLE_NAME = ?`,
      [table],
    )
  ).map((r) => `${r.n} -> ${r.r}`);

test('index, unique and foreign key plans and their reverses run online under 4 writing clients', async (t) => {
  if (server.flavor !== 'mariadb') return t.skip('the foreign key plan is MariaDB only');
  await createTrafficTable(fx.test.url, 'orders', 50_000);
  await fx.sql('create table accounts (id int primary key) engine=InnoDB');
  await fx.sql('insert into accounts select seq from seq_0_to_1000');
  const plans = [
    planCreateIndex({ table: 'orders', columns: ['amount'], name: 'orders_amount_idx' }, server),
    planAddUnique({ table: 'orders', columns: ['id', 'account_id'], name: 'orders_id_account_key' }, server),
    planAddForeignKey(
      {
        table: 'orders',
        columns: ['account_id'],
        references: { table: 'accounts', columns: ['id'] },
        name: 'orders_account_fk',
      },
      server,
    ),
  ];
  for (const plan of plans)
    for (const step of plan.steps)
      if (step.kind === 'sql' && /ALTER TABLE/.test(step.sql))
        assert.match(step.sql, /, ALGORITHM=INPLACE, LOCK=NONE$/);

  const traffic = await startTraffic({ url: fx.test.url, table: 'orders', rows: 50_000, clients: 4 });
  while (traffic.completed() < 50) await new Promise((r) => setTimeout(r, 10));
  const from = traffic.mark('plans start');
  let report: Awaited<ReturnType<typeof traffic.stop>>;
  let to: number;
  try {
    for (const plan of plans) assert.ok((await run(plan)).steps.every((s) => s.status === 'applied'));
    assert.deepEqual(await indexes('orders'), [
      'orders_account_fk',
      'orders_amount_idx',
      'orders_id_account_key unique',
    ]);
    assert.deepEqual(await foreignKeys('orders'), ['orders_account_fk -> accounts']);
    await run(planDropIndex({ name: 'orders_amount_idx', table: 'orders' }, server));
    for (const plan of plans.slice(1).reverse()) await run(reverse(plan));
    to = traffic.mark('plans end');
  } finally {
    report = await traffic.stop();
  }
  assert.deepEqual(report.errors, [], report.summary());
  const writesDuring = report.queries.filter((q) => q.kind !== 'read' && q.start >= from && q.end <= to);
  assert.ok(writesDuring.length > 0, `writes completed while the plans ran: ${report.summary()}`);
  // The foreign key's implicit index stays (see the plan's notes).
  assert.deepEqual(await indexes('orders'), ['orders_account_fk']);
  assert.deepEqual(await foreignKeys('orders'), []);
});

test('a foreign key over orphan rows is refused by its check before anything changes', async (t) => {
  if (server.flavor !== 'mariadb') return t.skip('the foreign key plan is MariaDB only');
  await fx.sql('create table parents (id int primary key) engine=InnoDB');
  await fx.sql('create table kids (id int primary key, parent_id int) engine=InnoDB');
  await fx.sql('insert into parents values (1)');
  await fx.sql('insert into kids values (1, 1), (2, null), (3, 7)');
  const plan = planAddForeignKey(
    { table: 'kids', columns: ['parent_id'], references: { table: 'parents', columns: ['id'] } },
    server,
  );
  const error = await run(plan).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  assert.equal(error?.name, 'StepFailedError');
  assert.match(error!.message, /kids has rows whose \(parent_id\) are missing from parents: fix them, rerun/);
  assert.deepEqual(await foreignKeys('kids'), []);
  assert.deepEqual(await indexes('kids'), [], 'no index was built either');
  await fx.sql('delete from kids where id = 3');
  assert.ok((await run(plan)).steps.every((s) => s.status === 'applied'));
  assert.deepEqual(await foreignKeys('kids'), ['kids_parent_id_fkey -> parents']);
});

test('addCheck is refused with the reason and the alternative; dropIndex needs its table', () => {
  assert.throws(
    () => planAddCheck({ table: 'orders', name: 'amount_positive', expression: 'amount >= 0' }, server),
    (error: Error & { details: { hint?: string } }) => {
      assert.equal(error.name, 'UnsupportedServerError');
      assert.match(error.message, /by copying the table \(ALGORITHM=COPY\), which blocks writes/);
      assert.match(error.details.hint ?? '', /enforce the rule in the application/);
      return true;
    },
  );
  assert.throws(() => planDropIndex({ name: 'orders_amount_idx' }, server), {
    name: 'InvalidArgumentError',
    message: /MySQL\/MariaDB index names are per table/,
  });
});
