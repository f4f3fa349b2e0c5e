import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type Database,
  dropColumnWithBackup,
  listBackups,
  purgeBackups,
  restoreBackup,
  UnsafeOperationError,
} from '@ballast/core';
import { pgServers, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import { checksum, testDatabase } from './fixtures/checksum.js';

for (const server of pgServers())
  describe(`[pg ${server.label}] restore puts back only what was dropped`, () => {
    let tdb: TestDatabase;
    let db: Database;
    let conn: SqlConnection;
    let close: () => Promise<void>;
    before(async () => {
      ({ tdb, db, conn, close } = await testDatabase(server));
    });
    after(() => close());

    test('a drop that failed at its drop step leaves a backup that restore refuses: live values are kept', async () => {
      await conn.query('create table live (id int primary key, v text not null)');
      await conn.query("insert into live select g, 'old' || g from generate_series(1, 50) g");
      // A reader holding the table: the DROP's ACCESS EXCLUSIVE lock times out, the backup is made.
      const blocker = await tdb.connect();
      await blocker.query('begin');
      await blocker.query('select count(*) from live');
      await assert.rejects(
        dropColumnWithBackup(
          db,
          { table: 'live', column: 'v', confirmUnused: true },
          { run: { lockTimeoutMs: 50, retry: { maxAttempts: 1 }, lock: false, log: () => {} } },
        ),
        /could not get its ACCESS EXCLUSIVE lock/,
      );
      await blocker.query('commit');
      await blocker.close();
      const [backup] = await listBackups(db, { table: 'live', column: 'v' });
      assert.equal(backup?.status, 'ready');
      await conn.query("update live set v = 'new' || id");
      const expected = await checksum(conn, "select g as id, 'new' || g as v from generate_series(1, 50) g");

      const refused = await restoreBackup(db, backup.id).catch((e: unknown) => e);
      assert.ok(refused instanceof UnsafeOperationError, String(refused));
      assert.match(refused.message, /live\.v was never dropped .* nothing to restore/);
      assert.match(
        refused.details.hint ?? '',
        new RegExp(`purgeBackups\\(db, \\{ ids: \\[${backup.id}\\] \\}\\)`),
      );
      assert.equal(await checksum(conn, 'select id, v from live'), expected, 'rows keep their new values');

      // The hint's way out: discard that backup (only that one).
      assert.deepEqual(
        (await purgeBackups(db, { ids: [backup.id] })).map((b) => b.id),
        [backup.id],
      );
      assert.deepEqual(await listBackups(db, { table: 'live' }), []);
    });
  });
