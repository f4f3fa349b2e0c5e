/** `ballast verify` on real PostgreSQL: a seeded mismatch is listed by key (exit 1), a clean table exits 0. */
import assert from 'node:assert/strict';
import { changeColumnType, type Database, postgresDatabaseFromUrl } from '@ballast/core';
import { pgServers, pgTestDatabase, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { ballast } from './fixtures/cli.js';

for (const server of pgServers())
  describe(`[pg ${server.label}] ballast verify`, () => {
    let tdb: TestDatabase;
    let conn: SqlConnection;
    let db: Database;
    beforeAll(async () => {
      tdb = await pgTestDatabase('cli_verify', server);
      conn = await tdb.connect();
      db = postgresDatabaseFromUrl(tdb.url, { max: 2 });
    });
    afterAll(async () => {
      await db.close?.();
      await conn.close();
      await tdb.drop();
    });

    test('lists the mismatching keys and exits 1; clean after the fix, exit 0', async () => {
      await conn.query('create table orders (id int primary key, total integer)');
      await conn.query('insert into orders select g, g from generate_series(1, 300) g');
      await changeColumnType(db, { table: 'orders', column: 'total', newType: 'bigint' }, { log: () => {} });
      await conn.query('begin');
      await conn.query('set local session_replication_role = replica');
      await conn.query('update orders set total_new = -1 where id = 42');
      await conn.query('commit');
      const url = ['--database-url', tdb.url];

      const bad = await ballast('verify', 'orders', 'total', 'total_new', ...url);
      assert.equal(bad.code, 1, bad.stderr);
      assert.match(bad.stdout, /MISMATCHES: 1 of 300 rows/);
      assert.match(bad.stdout, /id=42/);
      const asJson = await ballast(
        'verify',
        'orders',
        'total',
        'total_new',
        '--schema',
        'public',
        '--json',
        ...url,
      );
      assert.deepEqual(JSON.parse(asJson.stdout).mismatchKeys, [['42']]);

      const wrong = await ballast('verify', 'orders', 'total', 'other', ...url);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /expanded into total_new, not other/);
      assert.equal((await ballast('verify', 'orders', 'total', ...url)).code, 2);

      await conn.query('update orders set total_new = total where id = 42');
      const good = await ballast('verify', 'orders', 'total', 'total_new', ...url);
      assert.equal(good.code, 0, good.stderr);
      assert.match(good.stdout, /clean: 300 rows checked/);
    });
  });
