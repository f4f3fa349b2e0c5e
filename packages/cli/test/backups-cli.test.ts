/** `ballast backups list|restore|purge` on real PostgreSQL, asserting on the database. */
import assert from 'node:assert/strict';
import { type Database, dropColumnWithBackup, postgresDatabaseFromUrl } from '@ballast/core';
import { pgServers, pgTestDatabase, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { ballast } from './fixtures/cli.js';

for (const server of pgServers())
  describe(`[pg ${server.label}] ballast backups`, () => {
    let tdb: TestDatabase;
    let conn: SqlConnection;
    let db: Database;
    const backups = (...args: string[]) => ballast('backups', ...args, '--database-url', tdb.url);
    beforeAll(async () => {
      tdb = await pgTestDatabase('cli_backups', server);
      conn = await tdb.connect();
      db = postgresDatabaseFromUrl(tdb.url, { max: 4 });
      await conn.query('create table users (id int primary key, bio text not null default $$-$$, note text)');
      await conn.query(`insert into users select g, 'bio ' || g, 'note ' || g from generate_series(1, 50) g`);
    });
    afterAll(async () => {
      await db.close?.();
      await conn.close();
      await tdb.drop();
    });

    test('list, restore in words, purge by id and --expired', async () => {
      assert.deepEqual(await backups('list'), {
        code: 0,
        stdout: 'no backups in this database\n',
        stderr: '',
      });
      const bio = await dropColumnWithBackup(
        db,
        { table: 'users', column: 'bio', confirmUnused: true },
        { migration: '001' },
      );
      const note = await dropColumnWithBackup(db, { table: 'users', column: 'note', confirmUnused: true });

      const list = await backups('list');
      assert.equal(list.code, 0, list.stderr);
      assert.match(
        list.stdout,
        new RegExp(`^  ${bio.id}\\s+ready\\s+column public\\.users\\.bio\\s+001\\s+50\\s+\\d`, 'm'),
      );
      const listed = JSON.parse((await backups('list', '--json')).stdout);
      assert.deepEqual(
        listed.map((b: { id: number; rows: number }) => [b.id, b.rows]),
        [
          [bio.id, 50],
          [note.id, 50],
        ],
      );

      const restore = await backups('restore', String(bio.id));
      assert.equal(restore.code, 0, restore.stderr);
      assert.match(
        restore.stdout,
        new RegExp(`^restored backup ${bio.id}: column public\\.users\\.bio is back with 50 rows\\n`),
      );
      // The copy back reports progress on stderr as human lines (JSON only with --json).
      assert.match(restore.stderr, /^\S+ public\.users\S*: /m);
      assert.doesNotMatch(restore.stderr, /^\{/m);
      const [row] = await conn.query<{ n: string }>(
        "select count(*) filter (where bio = 'bio ' || id) as n from users",
      );
      assert.equal(Number(row!.n), 50, 'every value is back');
      const again = await backups('restore', String(bio.id));
      assert.equal(again.code, 1);
      assert.match(again.stderr, new RegExp(`backup ${bio.id} of users is restored, not restorable`));

      const nothing = await backups('purge', '--expired');
      assert.deepEqual(nothing, { code: 0, stdout: 'nothing to purge: no backup has expired\n', stderr: '' });
      const purge = await backups('purge', String(note.id));
      assert.equal(purge.code, 0, purge.stderr);
      assert.equal(purge.stdout, `purged backup ${note.id}: column public.users.note\n`);
      const [left] = await conn.query<{ status: string }>(
        'select status from ballast_backups where id = $1',
        [note.id],
      );
      assert.equal(left?.status, 'purged');
      const history = JSON.parse((await backups('list', '--all', '--json')).stdout);
      assert.deepEqual(
        history.map((b: { status: string }) => b.status),
        ['restored', 'purged'],
      );

      const unknown = await backups('purge', '999');
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /no backup 999 in this database/);
    });

    test('usage errors: restore without an id, purge with neither --expired nor ids', async () => {
      const restore = await backups('restore');
      assert.equal(restore.code, 2);
      assert.match(restore.stderr, /restore takes one backup id/);
      const purge = await backups('purge');
      assert.equal(purge.code, 2);
      assert.match(purge.stderr, /purge takes --expired or backup ids/);
      const id = await backups('restore', 'abc');
      assert.equal(id.code, 2);
      assert.match(id.stderr, /abc: a backup id is a positive integer/);
    });
  });
