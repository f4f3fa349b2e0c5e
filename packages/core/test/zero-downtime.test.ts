/**
 * Acceptance (issue 3): on a 100k-row table under real application traffic, while another
 * transaction holds a conflicting lock, each Ballast operation completes with 0 client errors and
 * no client query slower than lock_timeout + 200 ms; the naive SQL for the same change, under the
 * same blocker, queues the clients for seconds. Figures are printed for the report.
 */
import assert from 'node:assert/strict';
import {
  type Plan,
  planAddCheck,
  planAddColumn,
  planAddForeignKey,
  planAddUnique,
  planCreateIndex,
  planDropColumn,
  planSetNotNull,
  RUN_DEFAULTS,
  runPlan,
  type ServerInfo,
} from '@ballast/core';
import { connect, createTrafficTable, pgServers, startTraffic } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { holdLock } from './support/blocker.js';
import { logLines, type PgFixture, pgFixture } from './support/pg.js';

const ROWS = Number(process.env.BALLAST_ACCEPTANCE_ROWS ?? 100_000);
const BLOCK_MS = 2500;
const BOUND_MS = RUN_DEFAULTS.lockTimeoutMs + 200;

interface Case {
  readonly name: string;
  /** Extra setup on the traffic table `t` (two spare nullable columns exist: n1, n2). */
  readonly setup?: readonly string[];
  readonly plan: (t: string, server: ServerInfo) => Plan;
  readonly naive: (t: string) => string;
}

const CASES: Case[] = [
  {
    name: 'add column with a volatile default, NOT NULL',
    plan: (table, s) =>
      planAddColumn(
        { table, column: 'token', type: 'text', default: { sql: 'md5(random()::text)' }, notNull: true },
        s,
      ),
    naive: (t) => `alter table ${t} add column token_naive text not null default md5(random()::text)`,
  },
  {
    name: 'create index',
    plan: (table, s) => planCreateIndex({ table, columns: ['account_id', 'amount'] }, s),
    naive: (t) => `create index naive_idx on ${t} (amount, account_id)`,
  },
  {
    name: 'add foreign key',
    setup: [
      'create table accounts (id int primary key)',
      'insert into accounts select g from generate_series(0, 1000) g',
    ],
    plan: (table, s) =>
      planAddForeignKey(
        { table, columns: ['account_id'], references: { table: 'accounts', columns: ['id'] } },
        s,
      ),
    naive: (t) =>
      `alter table ${t} add constraint naive_fk foreign key (account_id) references accounts (id)`,
  },
  {
    name: 'add check',
    plan: (table, s) => planAddCheck({ table, name: 'amount_not_negative', expression: 'amount >= 0' }, s),
    naive: (t) => `alter table ${t} add constraint naive_ck check (amount > -1)`,
  },
  {
    name: 'set not null',
    plan: (table, s) => planSetNotNull({ table, column: 'n1' }, s),
    naive: (t) => `alter table ${t} alter column n2 set not null`,
  },
  {
    name: 'add unique',
    plan: (table, s) => planAddUnique({ table, columns: ['account_id', 'id'] }, s),
    naive: (t) => `alter table ${t} add constraint naive_uq unique (amount, id)`,
  },
  {
    name: 'drop column',
    plan: (table, s) => planDropColumn({ table, column: 'n1', confirmUnused: true }, s),
    naive: (t) => `alter table ${t} drop column n2`,
  },
];

const f = (n: number) => n.toFixed(0);

for (const server of pgServers()) {
  describe(`zero downtime under traffic on PostgreSQL (${server.label}), ${ROWS} rows`, () => {
    let fx: PgFixture;
    beforeAll(async () => {
      fx = await pgFixture('zdt', server);
    });
    afterAll(() => fx.close());

    CASES.forEach((c, i) => {
      test(c.name, async () => {
        const table = `traffic_${i}`;
        await createTrafficTable(fx.test.url, table, ROWS);
        await fx.sql(`alter table ${table} add column n1 int default 1, add column n2 int default 1`);
        for (const sql of c.setup ?? []) await fx.sql(sql);
        const traffic = await startTraffic({ url: fx.test.url, table, rows: ROWS, clients: 4, thinkMs: 5 });
        const naiveConn = await connect(fx.test.url);
        try {
          await new Promise((r) => setTimeout(r, 300));
          // A transaction that wrote one row (ROW EXCLUSIVE, like any write in flight) stays open.
          const blockerSql = `insert into ${table} (account_id, payload, amount) values (1, 'blocker', 1)`;

          const ours = await holdLock(fx.test.url, blockerSql, { releaseAfterMs: BLOCK_MS });
          const { lines, log } = logLines();
          const oursStart = traffic.mark('ours:start');
          const report = await runPlan(fx.db, c.plan(table, fx.server), { log });
          const oursEnd = traffic.mark('ours:end');
          await ours.release();

          await new Promise((r) => setTimeout(r, 300));
          await holdLock(fx.test.url, blockerSql, { releaseAfterMs: BLOCK_MS });
          const naiveStart = traffic.mark('naive:start');
          await naiveConn.query(c.naive(table));
          const naiveEnd = traffic.mark('naive:end');
          await new Promise((r) => setTimeout(r, 100));

          const result = await traffic.stop().then((r) => r);
          const oursStats = result.between(oursStart, oursEnd);
          const naiveStats = result.between(naiveStart, naiveEnd);
          const attempts = report.steps.reduce((a, s) => a + s.attempts, 0);
          console.log(
            `[figures] PG ${fx.server.version.split(' ')[0]} ${c.name}: ours ${f(oursEnd - oursStart)} ms, ` +
              `${report.steps.length} steps, ${attempts} attempts, client max ${f(oursStats.max)} ms ` +
              `p99 ${f(oursStats.p99)} ms (${oursStats.count} queries) | naive client max ${f(naiveStats.max)} ms ` +
              `p99 ${f(naiveStats.p99)} ms (${naiveStats.count} queries) | errors ${result.stats.errors}`,
          );
          assert.equal(result.errors.length, 0, result.summary());
          assert.ok(
            oursStats.max <= BOUND_MS,
            `ours: client max ${oursStats.max} ms > ${BOUND_MS} ms\n${lines.join('\n')}`,
          );
          assert.ok(naiveStats.max > BOUND_MS, `naive should have queued clients, max ${naiveStats.max} ms`);
          assert.ok(
            lines.some(
              (l) =>
                (l.startsWith('lock timeout on') || l.startsWith('waiting for ')) &&
                l.includes(`pid ${ours.pid} `),
            ),
            `the runner waited for (or retried past) blocker pid ${ours.pid} and named it:\n${lines.join('\n')}`,
          );
          assert.ok(report.steps.every((s) => s.status === 'applied' || s.status === 'already-done'));
        } finally {
          await traffic.stop().catch(() => {});
          await naiveConn.close();
        }
      });
    });
  });
}
