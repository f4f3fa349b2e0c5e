import assert from 'node:assert/strict';
import {
  changeColumnType,
  contract,
  type Database,
  listBackups,
  pendingContractions,
  renameColumn,
  undoContract,
  undoExpand,
} from '@ballast/core';
import { createTrafficTable, pgServers, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { acceptanceRows, checksum, columnFacts, testDatabase } from './fixtures/checksum.js';
import { startTraffic, startWhen, versionWorkload } from './fixtures/expand-traffic.js';

const ROWS = acceptanceRows(20_000);
const quiet = { log: () => {}, lockTimeoutMs: 1000 };

async function scalar<T>(conn: SqlConnection, sql: string, params: unknown[] = []): Promise<T> {
  const [row] = await conn.query<Record<string, T>>(sql, params);
  return Object.values(row!)[0] as T;
}

const triggerExists = (conn: SqlConnection, table: string) => () =>
  scalar<boolean>(
    conn,
    `select exists (select 1 from pg_trigger where tgrelid = $1::regclass and tgname like 'ballast_sync%')`,
    [table],
  );

for (const server of pgServers())
  describe(`[pg ${server.label}] expand/contract on PostgreSQL with old and new application versions writing`, () => {
    let tdb: TestDatabase;
    let db: Database;
    let conn: SqlConnection;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ tdb, db, conn, close } = await testDatabase(server));
    });
    afterAll(() => close());

    /**
     * Old clients write `columns[0]` from the start; new clients write `columns[1]` as soon as it
     * and its sync trigger exist, i.e. during the backfill. Neither may see a single error.
     */
    async function expandUnderBothVersions<T>(
      table: string,
      columns: readonly [string, string],
      other: string,
      expand: () => Promise<T>,
    ): Promise<T> {
      const traffic = (column: string) =>
        startTraffic({
          url: tdb.url,
          clients: 3,
          thinkMs: 2,
          workload: versionWorkload(table, column, other, ROWS),
        });
      const old = await traffic(columns[0]);
      const fresh = startWhen(triggerExists(conn, table), () => traffic(columns[1]));
      const result = await expand();
      await new Promise((r) => setTimeout(r, 500)); // both versions keep writing, expanded
      const [oldReport, newReport] = await Promise.all([old.stop(), fresh.then((x) => x.stop())]);
      console.log(`old clients: ${oldReport.summary()}`);
      console.log(`new clients: ${newReport.summary()}`);
      assert.equal(oldReport.errors.length, 0, `old clients: ${oldReport.summary()}`);
      assert.equal(newReport.errors.length, 0, `new clients: ${newReport.summary()}`);
      for (const kind of ['insert', 'update'])
        assert.ok(
          oldReport.byKind[kind]!.count > 0 && newReport.byKind[kind]!.count > 0,
          `both versions ran ${kind}s`,
        );
      return result;
    }

    test(`rename account_id → customer_id under old and new writers, then contract (${ROWS} rows)`, async () => {
      await createTrafficTable(tdb.url, 'orders', ROWS);
      await conn.query('create index orders_account_idx on orders (account_id)');
      const report = await expandUnderBothVersions('orders', ['account_id', 'customer_id'], 'amount', () =>
        renameColumn(db, { table: 'orders', from: 'account_id', to: 'customer_id' }, quiet),
      );
      assert.ok(report.steps.some((s) => s.id.endsWith(':backfill') && s.status === 'applied'));
      assert.equal(
        await scalar(conn, 'select count(*)::int from orders where account_id is distinct from customer_id'),
        0,
      );
      assert.deepEqual(await columnFacts(conn, 'orders', 'customer_id'), {
        type: 'integer',
        def: null,
        notnull: true,
      });
      assert.equal(
        await scalar(
          conn,
          "select indisvalid from pg_index where indexrelid = 'orders_customer_id_idx'::regclass",
        ),
        true,
      );
      const pending = await pendingContractions(db);
      assert.deepEqual(
        pending.map((e) => [e.table, e.oldColumn, e.newColumn, e.kind]),
        [['orders', 'account_id', 'customer_id', 'rename-column']],
      );

      await conn.query('create table orders_reference as select id, account_id as v from orders');
      const reference = await checksum(conn, 'select id, v from orders_reference');
      const during = await startTraffic({
        url: tdb.url,
        clients: 3,
        thinkMs: 2,
        workload: versionWorkload('orders', 'customer_id', 'amount', ROWS, { updates: false }),
      });
      const contracted = await contract(db, { table: 'orders', column: 'account_id' }, quiet);
      const duringReport = await during.stop();
      assert.equal(duringReport.errors.length, 0, `new clients during contract: ${duringReport.summary()}`);
      assert.equal(
        await checksum(
          conn,
          'select o.id, o.customer_id as v from orders o join orders_reference r using (id)',
        ),
        reference,
      );
      assert.equal(await columnFacts(conn, 'orders', 'account_id'), undefined);
      assert.equal(await triggerExists(conn, 'orders')(), false);
      assert.deepEqual(await pendingContractions(db), []);
      const [backup] = await listBackups(db, { table: 'orders', column: 'account_id' });
      assert.equal(backup?.id, contracted.backupId, 'the old column is kept in a backup');
    });

    test(`change amount int → bigint under old and new writers, then contract (${ROWS} rows)`, async () => {
      await createTrafficTable(tdb.url, 'ledger', ROWS);
      await expandUnderBothVersions('ledger', ['amount', 'amount_new'], 'account_id', () =>
        changeColumnType(db, { table: 'ledger', column: 'amount', newType: 'bigint' }, quiet),
      );
      assert.equal(
        await scalar(
          conn,
          'select count(*)::int from ledger where amount::bigint is distinct from amount_new',
        ),
        0,
      );

      await conn.query('create table ledger_reference as select id, amount::bigint as v from ledger');
      const reference = await checksum(conn, 'select id, v from ledger_reference');
      // The new version never names the amount column on insert: it relies on the default, which
      // must be on amount_new before the sync trigger goes (a gap there failed inserts once).
      const during = await startTraffic({
        url: tdb.url,
        clients: 3,
        thinkMs: 1,
        workload: {
          weights: { insert: 1 },
          queries: {
            insert: (c) => ({
              sql: 'insert into ledger (account_id, payload) values ($1, $2)',
              params: [c.randomInt(1000), 'relies on the default'],
            }),
          },
        },
      });
      await contract(db, { table: 'ledger', column: 'amount_new' }, quiet);
      const duringReport = await during.stop();
      console.log(`inserts relying on the default during contract: ${duringReport.summary()}`);
      assert.equal(duringReport.errors.length, 0, `inserts during contract: ${duringReport.summary()}`);
      assert.ok(duringReport.stats.count > 0);
      assert.equal(
        await checksum(
          conn,
          'select l.id, l.amount_new as v from ledger l join ledger_reference r using (id)',
        ),
        reference,
      );
      assert.deepEqual(await columnFacts(conn, 'ledger', 'amount_new'), {
        type: 'bigint',
        def: '0',
        notnull: true,
      });
      // The default moved with it: an insert that omits the column still works.
      assert.equal(
        await scalar(conn, "insert into ledger (account_id, payload) values (1, 'x') returning amount_new"),
        '0',
      );

      // down() of the contracting migration: the old column returns, up to date with writes made since.
      await conn.query('update ledger set amount_new = amount_new + 5 where id % 10 = 0');
      await conn.query("insert into ledger (account_id, payload, amount_new) values (2, 'y', 77)");
      await undoContract(db, { table: 'ledger', column: 'amount_new' }, quiet);
      assert.equal(
        await scalar(
          conn,
          'select count(*)::int from ledger where amount::bigint is distinct from amount_new',
        ),
        0,
      );
      assert.deepEqual(await columnFacts(conn, 'ledger', 'amount'), {
        type: 'integer',
        def: '0',
        notnull: true,
      });
      assert.deepEqual(await columnFacts(conn, 'ledger', 'amount_new'), {
        type: 'bigint',
        def: null,
        notnull: true,
      });
      assert.equal(await triggerExists(conn, 'ledger')(), true);
      assert.equal((await pendingContractions(db, { table: 'ledger' })).length, 1);
      assert.equal(
        await scalar(
          conn,
          "insert into ledger (account_id, payload, amount) values (3, 'z', 9) returning amount_new",
        ),
        '9',
      );
    });

    test('undoExpand (down of the expanding migration) removes the new column, trigger and record', async () => {
      await conn.query('create table notes (id int primary key, "we""ird" text not null default \'x\')');
      await conn.query("insert into notes select g, 'n' || g from generate_series(1, 200) g");
      await renameColumn(db, { table: 'notes', from: 'we"ird', to: 'body; drop table notes' }, quiet);
      assert.equal(
        await scalar(conn, 'select count(*)::int from notes where "body; drop table notes" = "we""ird"'),
        200,
      );
      await undoExpand(db, { table: 'notes', column: 'we"ird' }, quiet);
      assert.equal(await columnFacts(conn, 'notes', 'body; drop table notes'), undefined);
      assert.equal(await triggerExists(conn, 'notes')(), false);
      assert.deepEqual(await pendingContractions(db, { table: 'notes' }), []);
      assert.equal(await scalar(conn, `select count(*)::int from notes where "we""ird" = 'n' || id`), 200);
    });
  });
