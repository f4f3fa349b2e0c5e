import assert from 'node:assert/strict';
import {
  changeColumnType,
  contract,
  type Database,
  renameColumn,
  VERIFICATIONS_TABLE,
  verifyExpansion,
} from '@ballast/core';
import { pgServers, type SqlConnection } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { testDatabase } from './fixtures/checksum.js';

const quiet = { log: () => {}, lockTimeoutMs: 1000 };

/** Writes `sql` with the sync trigger off: a writer that bypassed it (a bug the verification must catch). */
async function behindTheTrigger(conn: SqlConnection, sql: string) {
  await conn.query('begin');
  await conn.query(`set local session_replication_role = replica`);
  await conn.query(sql);
  await conn.query('commit');
}

for (const server of pgServers())
  describe(`[pg ${server.label}] ballast verify: shadow verification before contract`, () => {
    let db: Database;
    let conn: SqlConnection;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ db, conn, close } = await testDatabase(server));
    });
    afterAll(() => close());

    test('a seeded mismatch is found by key and blocks the contract; fixed, verify is clean and contract proceeds', async () => {
      await conn.query('create table prices (id bigint primary key, amount integer)');
      await conn.query('insert into prices select g, g * 10 from generate_series(1, 5000) g');
      await changeColumnType(db, { table: 'prices', column: 'amount', newType: 'bigint' }, quiet);
      const clean = await verifyExpansion(
        db,
        { table: 'prices', column: 'amount' },
        { initialBatchSize: 300 },
      );
      assert.equal(clean.status, 'clean');
      assert.equal(clean.rowsChecked, 5000);

      await behindTheTrigger(conn, 'update prices set amount_new = amount_new + 1 where id in (7, 4242)');
      await behindTheTrigger(conn, 'update prices set amount_new = null where id = 99');
      const bad = await verifyExpansion(db, { table: 'prices', column: 'amount_new' }, { maxKeys: 2 });
      assert.equal(bad.status, 'mismatches');
      assert.equal(bad.rowsChecked, 5000);
      assert.equal(bad.mismatches, 3);
      assert.deepEqual(bad.keyColumns, ['id']);
      assert.deepEqual(bad.mismatchKeys, [['7'], ['99']]);
      const [recorded] = await conn.query<{ status: string; mismatches: string; sample_keys: unknown }>(
        `select status, mismatches, sample_keys from ${VERIFICATIONS_TABLE} where id = $1`,
        [bad.verificationId],
      );
      assert.deepEqual(recorded, { status: 'mismatches', mismatches: '3', sample_keys: [['7'], ['99']] });

      await assert.rejects(
        contract(db, { table: 'prices', column: 'amount' }, quiet),
        (e: Error) => e.name === 'VerificationMismatchError' && /3 of 5000 rows/.test(e.message),
      );
      const [still] = await conn.query<{ n: string }>(
        `select count(*) as n from information_schema.columns where table_name = 'prices' and column_name = 'amount'`,
      );
      assert.equal(still!.n, '1', 'the old column is still there');

      // The fix goes through the trigger: writing the new column brings the old one along.
      await conn.query('update prices set amount_new = amount::bigint where id in (7, 4242, 99)');
      assert.equal((await verifyExpansion(db, { table: 'prices', column: 'amount' })).status, 'clean');
      const done = await contract(db, { table: 'prices', column: 'amount' }, quiet);
      assert.equal(done.expansion.oldColumn, 'amount');
    });

    test('ignoreVerifyMismatches contracts despite a failed verification; a rename compares values unconverted', async () => {
      await conn.query('create table people (id int primary key, nick text)');
      await conn.query(`insert into people select g, 'n' || g from generate_series(1, 50) g`);
      await renameColumn(db, { table: 'people', from: 'nick', to: 'handle' }, quiet);
      await behindTheTrigger(conn, `update people set handle = 'x' where id = 3`);
      const bad = await verifyExpansion(db, { table: 'people', column: 'nick' });
      assert.deepEqual([bad.mismatches, bad.mismatchKeys], [1, [['3']]]);
      await assert.rejects(contract(db, { table: 'people', column: 'nick' }, quiet), {
        name: 'VerificationMismatchError',
      });
      await contract(db, { table: 'people', column: 'nick' }, { ...quiet, ignoreVerifyMismatches: true });
      const [row] = await conn.query<{ handle: string }>('select handle from people where id = 3');
      assert.equal(row!.handle, 'x');
    });
  });
