/**
 * The one PostgreSQL catalog reader (dialects/postgres/introspect.ts), seen through its users:
 * backfill, backup and expand/contract resolve a table the same way and fail with the same typed
 * errors (TableNotFoundError vs ColumnNotFoundError, IdentifierTooLongError before any lookup).
 */
import assert from 'node:assert/strict';
import { backupColumn, postgresDatabaseFromUrl, renameColumn, runBackfill } from '@ballast/core';
import { pgServers } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { type PgFixture, pgFixture } from './support/pg.js';

const named = (name: string, message?: RegExp) => (e: Error) => {
  assert.equal(e.name, name, e.message);
  if (message) assert.match(e.message, message);
  return true;
};

for (const server of pgServers())
  describe(`[pg ${server.label}] one catalog reader`, () => {
    let fx: PgFixture;
    beforeAll(async () => {
      fx = await pgFixture('catalog', server);
      await fx.sql('create table items (id int primary key, note text)');
      await fx.sql("insert into items select g, 'n' || g from generate_series(1, 20) g");
      await fx.sql('create view items_view as select * from items');
    });
    afterAll(() => fx.close());

    test('a missing table is TableNotFoundError for backfill, backup and expand alike', async () => {
      await assert.rejects(
        runBackfill(fx.db, { table: 'nope', set: { note: "'x'" } }),
        named('TableNotFoundError', /table nope does not exist/),
      );
      await assert.rejects(
        backupColumn(fx.db, { table: 'nope', column: 'note' }),
        named('TableNotFoundError', /^backup of nope\.note: table nope does not exist/),
      );
      await assert.rejects(
        renameColumn(fx.db, { table: 'nope', from: 'note', to: 'memo' }),
        named('TableNotFoundError', /table nope does not exist/),
      );
      await assert.rejects(
        backupColumn(fx.db, { table: 'items', column: 'nope' }),
        named('ColumnNotFoundError', /column (public\.)?items\.nope does not exist/),
      );
    });

    test('a view of the name is not the table: refused before anything is copied', async () => {
      await assert.rejects(
        backupColumn(fx.db, { table: 'items_view', column: 'note' }),
        named('TableNotFoundError', /table items_view does not exist/),
      );
      await assert.rejects(
        runBackfill(fx.db, { table: 'items_view', set: { note: "'x'" } }),
        named('TableNotFoundError'),
      );
      const [row] = await fx.sql<{ n: string }>(
        "select count(*) as n from pg_tables where schemaname = 'ballast_backup'",
      );
      assert.equal(row?.n ?? '0', '0');
    });

    test('names over 63 bytes are refused, not cut to another column', async () => {
      const long = 'é'.repeat(32); // 64 bytes: PostgreSQL would keep 62 of them
      await assert.rejects(
        runBackfill(fx.db, { table: 'items', set: { note: "'x'" } }, { key: [long] }),
        named('IdentifierTooLongError'),
      );
      await assert.rejects(
        runBackfill(fx.db, { table: 'items', set: { [long]: "'x'" } }),
        named('IdentifierTooLongError'),
      );
      const [row] = await fx.sql<{ n: string }>("select count(*) as n from items where note = 'x'");
      assert.equal(row?.n, '0');
    });

    test('an unqualified name resolves through the search_path, as the DDL does', async () => {
      await fx.sql('create schema app');
      await fx.sql('create table app.orders (id int primary key, v text)');
      await fx.sql("insert into app.orders select g, 'old' from generate_series(1, 10) g");
      const url = new URL(fx.test.url);
      url.searchParams.set('options', '-c search_path=app,public');
      const db = postgresDatabaseFromUrl(url.toString(), { max: 2 });
      try {
        await assert.rejects(
          runBackfill(db, { table: 'orders', set: { nope: "'x'" } }),
          named('ColumnNotFoundError', /column app\.orders\.nope does not exist/),
        );
        const result = await runBackfill(db, { table: 'orders', set: { v: "'new'" } });
        assert.equal(result.rowsChanged, 10);
        const backup = await backupColumn(db, { table: 'orders', column: 'v' });
        assert.deepEqual([backup.sourceSchema, backup.sourceTable, backup.rows], ['app', 'orders', 10]);
      } finally {
        await db.close?.();
      }
      const [row] = await fx.sql<{ n: string }>("select count(*) as n from app.orders where v = 'new'");
      assert.equal(row?.n, '10');
    });

    test('a partitioned table with a hostile name is read through bound names', async () => {
      const table = 'part"; drop table items; --';
      const q = `"${table.replaceAll('"', '""')}"`;
      await fx.sql(`create table ${q} (id int primary key, v text) partition by range (id)`);
      await fx.sql(`create table part_a partition of ${q} for values from (0) to (100)`);
      await fx.sql(`create table part_b partition of ${q} for values from (100) to (200)`);
      await fx.sql(`insert into ${q} select g, null from generate_series(1, 150) g`);
      const result = await runBackfill(fx.db, { table, set: { v: "'filled'" }, where: 'v is null' });
      assert.equal(result.rowsChanged, 150);
      assert.equal(result.paging, 'keyset');
      const [row] = await fx.sql<{ n: string }>(`select count(*) as n from ${q} where v = 'filled'`);
      assert.equal(row?.n, '150');
      const [items] = await fx.sql<{ n: string }>('select count(*) as n from items');
      assert.equal(items?.n, '20');
    });
  });
