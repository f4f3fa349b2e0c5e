import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RUN_DEFAULTS } from '@ballast/core';
import { createTrafficTable, pgServers, pgTestDatabase, startTraffic } from '@ballast/testkit';
import knexFactory from 'knex';
import { test } from 'vitest';
import { LEDGER } from './fixtures/acceptance/20240101000000_ledger_changes.js';
import { describeTable } from './support/catalog.js';

/**
 * The acceptance bound: a Knex migration made of Ballast helpers, applied by Knex's own
 * migrator on a 100k-row table while clients read and write it, costs the clients no error and
 * no wait longer than lock_timeout + 200 ms.
 */
const ROWS = 100_000;
const directory = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'acceptance');

for (const server of pgServers()) {
  test(`[pg ${server.label}] helpers in a knex migration under live traffic on ${ROWS} rows: 0 errors, max latency ≤ lock_timeout + 200 ms`, async () => {
    const db = await pgTestDatabase('knexaccept', server);
    const knex = knexFactory({ client: 'pg', connection: db.url, pool: { min: 0, max: 6 } });
    try {
      await createTrafficTable(db.url, LEDGER, ROWS);
      const conn = await db.connect();
      await conn.query('create table accounts (id int primary key)');
      await conn.query('insert into accounts select generate_series(0, 1000)');
      const traffic = await startTraffic({ url: db.url, table: LEDGER, rows: ROWS, clients: 6, thinkMs: 2 });
      await new Promise((r) => setTimeout(r, 1000)); // warm: every client has run queries
      const from = traffic.mark('migrate:latest start');
      const [, applied] = await knex.migrate.latest({ directory, loadExtensions: ['.ts'] });
      const to = traffic.mark('migrate:latest end');
      await new Promise((r) => setTimeout(r, 500));
      const report = await traffic.stop();
      const during = report.between(from, to);
      console.log(
        `[pg ${server.label}] migration ${Math.round(to - from)} ms; during it: ${during.count} queries, ` +
          `${during.errors} errors, p50 ${during.p50.toFixed(1)} ms, p99 ${during.p99.toFixed(1)} ms, ` +
          `max ${during.max.toFixed(1)} ms; whole run: ${report.summary()}`,
      );
      assert.deepEqual(applied, ['20240101000000_ledger_changes.ts']);
      assert.equal(report.stats.errors, 0, report.summary());
      assert.ok(during.count > 100, `traffic ran during the migration (${during.count} queries)`);
      const bound = RUN_DEFAULTS.lockTimeoutMs + 200;
      assert.ok(report.stats.max <= bound, `max latency ${report.stats.max.toFixed(1)} ms > ${bound} ms`);

      const shape = await describeTable(conn, LEDGER);
      assert.equal(shape.columns.currency?.notNull, true);
      assert.equal(shape.columns.region?.notNull, true);
      assert.equal(shape.constraints.ledger_amount_nonnegative, 'c');
      assert.equal(shape.constraints.ledger_account_id_fkey, 'f');
      assert.equal(shape.constraints.ledger_id_account_id_key, 'u');
      assert.equal(shape.indexes.ledger_account_id_updated_at_idx, 'valid');
      const [wrong] = await conn.query<{ n: string }>(
        `select count(*) as n from ${LEDGER} where id <= $1 and region <> (case when account_id % 2 = 0 then 'eu' else 'us' end)`,
        [ROWS],
      );
      assert.equal(wrong!.n, '0', 'every pre-existing row was backfilled');
      await conn.close();
    } finally {
      await knex.destroy();
      await db.drop();
    }
  });
}
