import assert from 'node:assert/strict';
import {
  type Database,
  dropColumnWithBackup,
  dropTableWithBackup,
  listBackups,
  purgeBackups,
  restoreBackup,
} from '@ballast/core';
import {
  createTrafficTable,
  pgServers,
  type SqlConnection,
  startTraffic,
  type TestDatabase,
} from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { acceptanceRows, checksum, columnFacts, testDatabase } from './fixtures/checksum.js';

const ROWS = acceptanceRows(20_000);

/** Application traffic that no longer touches `amount` (the precondition for dropping it). */
const workloadWithoutAmount = (table: string, rows: number) => ({
  weights: { read: 4, insert: 2, update: 2 },
  queries: {
    read: (c: { randomInt(n: number): number }) => ({
      sql: `select id, payload from "${table}" where id = $1`,
      params: [c.randomInt(rows)],
    }),
    insert: (c: { randomInt(n: number): number; client: number }) => ({
      sql: `insert into "${table}" (account_id, payload) values ($1, $2)`,
      params: [c.randomInt(1000), `client ${c.client}`],
    }),
    update: (c: { randomInt(n: number): number }) => ({
      sql: `update "${table}" set payload = payload || '.' where id = $1`,
      params: [c.randomInt(rows)],
    }),
  },
});

for (const server of pgServers())
  describe(`[pg ${server.label}] backup on rollback (PostgreSQL)`, () => {
    let tdb: TestDatabase;
    let db: Database;
    let conn: SqlConnection;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ tdb, db, conn, close } = await testDatabase(server));
    });
    afterAll(() => close());

    test(`drop column with backup under traffic, then down restores every value, NOT NULL and default (${ROWS} rows)`, async () => {
      await createTrafficTable(tdb.url, 'orders', ROWS);
      // Distinct values so a mis-keyed restore cannot pass the checksum.
      await conn.query('update orders set amount = (id * 7919) % 100003');
      const before = await checksum(conn, 'select id, amount from orders');
      const traffic = await startTraffic({
        url: tdb.url,
        clients: 4,
        thinkMs: 2,
        workload: workloadWithoutAmount('orders', ROWS),
      });
      const backup = await dropColumnWithBackup(
        db,
        { table: 'orders', column: 'amount', confirmUnused: true },
        { migration: '20260101_drop_amount' },
      );
      assert.ok(backup.rows! >= ROWS, `backed up ${backup.rows} rows`);
      assert.equal(
        await columnFacts(conn, 'orders', 'amount'),
        undefined,
        'the column is gone after the drop',
      );
      traffic.mark('restore');
      const restored = await restoreBackup(db, {
        table: 'orders',
        column: 'amount',
        migration: '20260101_drop_amount',
      });
      const report = await traffic.stop();
      console.log(`traffic during drop + restore: ${report.summary()}`);
      assert.equal(report.errors.length, 0, report.summary());
      assert.equal(restored.status, 'restored');
      assert.equal(await checksum(conn, 'select id, amount from orders where id <= $1', [ROWS]), before);
      assert.deepEqual(await columnFacts(conn, 'orders', 'amount'), {
        type: 'integer',
        def: '0',
        notnull: true,
      });
      // Rows inserted while the column was gone took its default; new ones do too.
      const [gap] = await conn.query<{ n: string; bad: string }>(
        'select count(*) as n, count(*) filter (where amount <> 0) as bad from orders where id > $1',
        [ROWS],
      );
      assert.ok(Number(gap!.n) > 0, 'traffic inserted rows during the run');
      assert.equal(Number(gap!.bad), 0);
      assert.deepEqual(await listBackups(db, { table: 'orders' }), [], 'nothing left to restore');
      const [left] = await conn.query<{ n: string }>(
        "select count(*) as n from pg_tables where schemaname = 'ballast_backup' and tablename = $1",
        [backup.backupTable],
      );
      assert.equal(Number(left!.n), 0, 'the backup data is removed after restore');
    });

    test('drop table with backup is a move; restore brings data, indexes and sequence back', async () => {
      await createTrafficTable(tdb.url, 'events', 5000);
      await conn.query('create index events_account_idx on events (account_id)');
      const before = await checksum(conn, 'select * from events');
      const backup = await dropTableWithBackup(
        db,
        { table: 'events', confirmUnused: true },
        { migration: 'm2' },
      );
      assert.equal(backup.kind, 'table');
      const [gone] = await conn.query<{ t: string | null }>("select to_regclass('events')::text as t");
      assert.equal(gone!.t, null);
      await restoreBackup(db, backup.id);
      assert.equal(await checksum(conn, 'select * from events'), before);
      const [idx] = await conn.query<{ t: string | null }>(
        "select to_regclass('events_account_idx')::text as t",
      );
      assert.equal(idx!.t, 'events_account_idx');
      const [ins] = await conn.query<{ id: string }>(
        "insert into events (account_id, payload) values (1, 'x') returning id",
      );
      assert.equal(Number(ins!.id), 5001, 'the owned sequence moved with the table');
    });

    test('purge removes only expired backups unless asked for all', async () => {
      await conn.query('create table p1 (id int primary key, v text)');
      await conn.query('create table p2 (id int primary key, v text)');
      await conn.query("insert into p1 select g, 'a' || g from generate_series(1, 100) g");
      await conn.query("insert into p2 select g, 'b' || g from generate_series(1, 100) g");
      const expired = await dropColumnWithBackup(
        db,
        { table: 'p1', column: 'v', confirmUnused: true },
        { retentionDays: 0 },
      );
      const kept = await dropColumnWithBackup(
        db,
        { table: 'p2', column: 'v', confirmUnused: true },
        { retentionDays: 7 },
      );
      const purged = await purgeBackups(db, { expiredOnly: true });
      assert.deepEqual(
        purged.map((b) => b.id),
        [expired.id],
      );
      const live = (await listBackups(db)).map((b) => b.id);
      assert.ok(live.includes(kept.id) && !live.includes(expired.id));
      const tables = await conn.query<{ t: string }>(
        "select tablename as t from pg_tables where schemaname = 'ballast_backup'",
      );
      assert.ok(
        tables.some((r) => r.t === kept.backupTable) && !tables.some((r) => r.t === expired.backupTable),
      );
      await assert.rejects(restoreBackup(db, expired.id), /purged, not restorable/);
      // Judged at a later instant, the 7-day backup is expired too.
      const later = await purgeBackups(db, { now: new Date(Date.now() + 8 * 86400_000) });
      assert.ok(later.some((b) => b.id === kept.id));
    });

    test('a rerun after the drop (crashed deploy) returns the first backup instead of failing', async () => {
      await conn.query("create table reruns (id int primary key, v text default 'd')");
      await conn.query("insert into reruns select g, 'v' || g from generate_series(1, 30) g");
      const target = { table: 'reruns', column: 'v', confirmUnused: true } as const;
      const first = await dropColumnWithBackup(db, target, { migration: 'm-rerun' });
      const again = await dropColumnWithBackup(db, target, { migration: 'm-rerun' });
      assert.equal(again.id, first.id);
      assert.equal((await listBackups(db, { table: 'reruns' })).length, 1);
    });

    test('hostile table and column names are only ever quoted identifiers', async () => {
      const table = 'we"ird; drop table victim; --';
      const column = 'co"l\'umn';
      await conn.query('create table victim (id int)');
      await conn.query(
        `create table "we""ird; drop table victim; --" (id int primary key, "co""l'umn" text not null default 'd')`,
      );
      await conn.query(
        `insert into "we""ird; drop table victim; --" select g, 'v' || g from generate_series(1, 50) g`,
      );
      const before = await checksum(conn, `select id, "co""l'umn" from "we""ird; drop table victim; --"`);
      const backup = await dropColumnWithBackup(db, { table, column, confirmUnused: true });
      await restoreBackup(db, backup.id);
      assert.equal(
        await checksum(conn, `select id, "co""l'umn" from "we""ird; drop table victim; --"`),
        before,
      );
      const [victim] = await conn.query<{ t: string | null }>("select to_regclass('victim')::text as t");
      assert.equal(victim!.t, 'victim');
    });

    test('restore of a NOT NULL column without default says which rows lack a value, and leaves no constraint behind', async () => {
      await conn.query('create table tags (id int primary key, label text not null)');
      await conn.query("insert into tags select g, 't' || g from generate_series(1, 100) g");
      const backup = await dropColumnWithBackup(db, { table: 'tags', column: 'label', confirmUnused: true });
      await conn.query('insert into tags (id) values (101)'); // written while the column was gone
      await assert.rejects(
        restoreBackup(db, backup.id),
        /NOT NULL could not be restored on tags.label: some rows have no value/,
      );
      assert.equal(
        await checksum(conn, 'select id, label from tags where id <= 100'),
        await checksum(conn, "select g as id, 't' || g as label from generate_series(1, 100) g"),
      );
      const [left] = await conn.query<{ n: string }>(
        `select count(*) as n from pg_constraint k join pg_attribute a on a.attrelid = k.conrelid and a.attname = 'label'
          where k.conrelid = 'tags'::regclass and k.contype in ('c', 'n') and a.attnum = any(k.conkey)`,
      );
      assert.equal(Number(left!.n), 0, 'no half-made NOT NULL constraint refuses inserts');
      await conn.query('insert into tags (id) values (102)');
    });
  });
