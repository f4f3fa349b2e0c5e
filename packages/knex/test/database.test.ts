import assert from 'node:assert/strict';
import { pgTestDatabase, type TestDatabase } from '@ballast/testkit';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, test } from 'vitest';
import { knexDatabase } from '../src/database.js';

let db: TestDatabase;
let knex: Knex;
const warnings: string[] = [];

beforeAll(async () => {
  db = await pgTestDatabase('knexdb');
  knex = knexFactory({
    client: 'pg',
    connection: db.url,
    pool: { min: 0, max: 3 },
    log: { warn: (message: string) => warnings.push(message) },
  });
});
afterAll(async () => {
  await knex.destroy();
  await db.drop();
});

const pid = async (s: { query: <T>(sql: string) => Promise<T[]> }) =>
  (await s.query<{ pid: number }>('select pg_backend_pid() as pid'))[0]!.pid;

test('outside a transaction each session is one dedicated pooled connection', async () => {
  const database = knexDatabase(knex);
  assert.equal(database.dialect, 'postgres');
  assert.equal(database.inTransaction, false);
  await database.withSession(async (s) => {
    const first = await pid(s);
    await s.query("set lock_timeout = '1234ms'");
    assert.equal((await s.query<{ lock_timeout: string }>('show lock_timeout'))[0]!.lock_timeout, '1234ms');
    assert.equal(await pid(s), first);
  });
  // Two sessions held at once are two server backends.
  const pids = await Promise.all(
    [1, 2].map(() =>
      database.withSession(async (s) => {
        const p = await pid(s);
        await s.query('select pg_sleep(0.05)');
        return p;
      }),
    ),
  );
  assert.notEqual(pids[0], pids[1]);
});

test('a session that failed goes back to the pool rolled back, without a Knex warning', async () => {
  const database = knexDatabase(knex);
  await assert.rejects(
    database.withSession(async (s) => {
      await s.query('begin');
      await s.query('create table made_in_failed_session (id int)');
      await s.query('select 1/0');
    }),
    /division by zero/,
  );
  // The pool would otherwise give back a connection stuck in an aborted transaction.
  for (let i = 0; i < 4; i++) {
    await database.withSession(async (s) => {
      assert.deepEqual(await s.query('select 1 as one'), [{ one: 1 }]);
      assert.deepEqual(await s.query('select now() = statement_timestamp() as fresh'), [{ fresh: true }]);
    });
  }
  assert.deepEqual(await knex.raw('select 1 as one').then((r) => r.rows), [{ one: 1 }]);
  assert.equal(await knex.schema.hasTable('made_in_failed_session'), false, 'rolled back');
  assert.deepEqual(warnings, [], 'Knex logged nothing about the connection');
});

test('inside a Knex transaction sessions share the transaction connection', async () => {
  await knex
    .transaction(async (trx) => {
      const database = knexDatabase(trx);
      assert.equal(database.inTransaction, true);
      const trxId = (await trx.raw('select txid_current() as id')).rows[0].id;
      const seen = await Promise.all(
        [1, 2, 3].map((n) =>
          database.withSession(async (s) => {
            await s.query(`create table "made_in_trx_${n}" (id int)`);
            return (await s.query<{ id: string }>('select txid_current() as id'))[0]!.id;
          }),
        ),
      );
      assert.deepEqual(seen, [trxId, trxId, trxId]);
      assert.equal(await trx.schema.hasTable('made_in_trx_2'), true);
      await trx.rollback();
    })
    .catch(() => {});
  // Rolled back with the caller's transaction: the sessions never committed on their own.
  assert.equal(await knex.schema.hasTable('made_in_trx_1'), false);
});

test('a Knex client that is neither PostgreSQL nor MySQL/MariaDB is refused with a hint', () => {
  // Knex loads a client's driver when it is created: the shape knexDatabase reads is enough here.
  const mssqlKnex = { client: { dialect: 'mssql', config: { client: 'mssql' } } } as unknown as Knex;
  assert.throws(() => knexDatabase(mssqlKnex), {
    name: 'UnsupportedServerError',
    message: /does not support the Knex client "mssql"/,
  });
});
