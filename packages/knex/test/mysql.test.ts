/**
 * @ballast/knex on MySQL/MariaDB (BALLAST_SERVERS=postgres,mysql): a Knex `mysql2` instance maps
 * onto a core Database, the helpers with a MySQL plan run through core's runner from a real Knex
 * migration, and the others refuse with the planner's UnsupportedServerError.
 */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planBackfill, readServerInfo, runPlan } from '@ballast/core';
import { freezePlan } from '@ballast/core/adapter';
import { mysqlTestDatabase, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import knexFactory, { type Knex } from 'knex';
import { afterEach, test } from 'vitest';
import { knexDatabase } from '../src/database.js';
import { ballast } from '../src/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(): Promise<{ db: TestDatabase; knex: Knex; conn: SqlConnection }> {
  const db = await mysqlTestDatabase('knexmysql');
  const knex = knexFactory({ client: 'mysql2', connection: db.url, pool: { min: 0, max: 4 } });
  const conn = await db.connect();
  cleanups.push(async () => {
    await conn.close();
    await knex.destroy();
    await db.drop();
  });
  return { db, knex, conn };
}

const connectionId = async (s: { query: <T>(sql: string) => Promise<T[]> }) =>
  Number((await s.query<{ id: number }>('select connection_id() as id'))[0]!.id);

test('a mysql2 Knex is a MySQL Database: dedicated pooled sessions, rolled back after a failure', async () => {
  const { knex, conn } = await setup();
  await conn.query('create table t (id int primary key) engine=InnoDB');
  const database = knexDatabase(knex);
  assert.equal(database.dialect, 'mysql');
  assert.equal(database.inTransaction, false);
  await database.withSession(async (s) => {
    const first = await connectionId(s);
    await s.query('set session lock_wait_timeout = ?', [7]);
    assert.deepEqual(await s.query('select @@session.lock_wait_timeout as lwt'), [{ lwt: 7 }]);
    assert.equal(await connectionId(s), first);
    assert.deepEqual(await s.query('insert into t values (?)', [1]), [], 'no rows for a write');
  });
  await assert.rejects(
    database.withSession(async (s) => {
      await s.query('begin');
      await s.query('insert into t values (2)');
      await s.query('select * from no_such_table');
    }),
    (error: { errno?: number }) => error.errno === 1146,
  );
  assert.deepEqual(
    await conn.query('select id from t order by id'),
    [{ id: 1 }],
    'the failed insert was rolled back',
  );
  await knex.transaction(async (trx) => {
    const inTrx = knexDatabase(trx);
    assert.equal(inTrx.inTransaction, true);
    const [trxConn] = await trx.raw('select connection_id() as id');
    const ids = await Promise.all([1, 2].map(() => inTrx.withSession(connectionId)));
    assert.deepEqual(ids, [trxConn[0].id, trxConn[0].id]);
  });
});

test('a Knex migration on MariaDB: every helper with a MySQL plan up, reversed down, journaled, up again', async () => {
  const { knex, conn } = await setup();
  await conn.query('create table owners (id int primary key) engine=InnoDB');
  await conn.query('insert into owners values (1), (2)');
  await conn.query(
    'create table items (id bigint primary key auto_increment, name varchar(100) not null, owner_id int) engine=InnoDB',
  );
  await conn.query("insert into items (name, owner_id) values ('a', 1), ('b', 2), ('c', null)");
  const migrations = { directory: join(fixtures, 'mysql'), loadExtensions: ['.ts'] };
  const columns = () =>
    conn.query<{ c: string; n: string }>(
      `select COLUMN_NAME as c, IS_NULLABLE as n from information_schema.COLUMNS
        where TABLE_SCHEMA = database() and TABLE_NAME = 'items' and COLUMN_NAME = 'label'`,
    );
  const indexes = async () =>
    (
      await conn.query<{ i: string }>(
        `select distinct INDEX_NAME as i from information_schema.STATISTICS
          where TABLE_SCHEMA = database() and TABLE_NAME = 'items' and INDEX_NAME <> 'PRIMARY' order by 1`,
      )
    ).map((r) => r.i);
  const foreignKeys = async () =>
    (
      await conn.query<{ n: string }>(
        `select CONSTRAINT_NAME as n from information_schema.REFERENTIAL_CONSTRAINTS
          where CONSTRAINT_SCHEMA = database() and TABLE_NAME = 'items'`,
      )
    ).map((r) => r.n);

  await knex.migrate.latest(migrations);
  assert.deepEqual(await columns(), [{ c: 'label', n: 'NO' }]);
  assert.deepEqual(await conn.query('select label from items order by id'), [
    { label: 'item a' },
    { label: 'item b' },
    { label: 'item c' },
  ]);
  assert.deepEqual(await indexes(), ['items_label_key', 'items_name_idx', 'items_owner_fk']);
  assert.deepEqual(await foreignKeys(), ['items_owner_fk']);
  const journal = await conn.query<{ migration: string; n: number }>(
    'select migration, count(*) as n from ballast_journal where success group by migration',
  );
  assert.deepEqual(
    journal.map((j) => [j.migration, Number(j.n)]),
    [['20240101000000_online_helpers.ts@1', 7]],
    'journaled under the id knex_migrations gives the row',
  );

  await knex.migrate.rollback(migrations);
  assert.deepEqual(await columns(), []);
  assert.deepEqual(await indexes(), ['items_owner_fk'], "the foreign key's implicit index stays");
  assert.deepEqual(await foreignKeys(), []);
  await knex.migrate.latest(migrations);
  assert.equal((await columns()).length, 1, 'applied again after the rollback (a new journal key)');
  assert.deepEqual(await foreignKeys(), ['items_owner_fk']);
  assert.deepEqual(await conn.query("select count(*) as n from items where label like 'item %'"), [{ n: 3 }]);
});

test("a helper without a safe MySQL plan refuses with the planner's UnsupportedServerError before any SQL", async () => {
  const { knex, conn } = await setup();
  await conn.query('create table items (id bigint primary key, v int) engine=InnoDB');
  const b = ballast(knex, { progress: false, log: () => {}, lock: false });
  await assert.rejects(
    b.addCheck('items', 'items_v_check', 'v > 0'),
    (error: Error & { details?: { where?: string } }) => {
      assert.equal(error.name, 'UnsupportedServerError');
      assert.equal(error.details?.where, 'items.items_v_check');
      assert.match(
        error.message,
        /^add check items\.items_v_check: MySQL\/MariaDB can only add a CHECK constraint by copying/,
      );
      return true;
    },
  );
  assert.deepEqual(
    await conn.query(`select count(*) as n from information_schema.CHECK_CONSTRAINTS
      where CONSTRAINT_SCHEMA = database() and TABLE_NAME = 'items'`),
    [{ n: 0 }],
  );
});

test('inside a Knex transaction a DDL step is refused: MySQL would commit the transaction under the caller', async () => {
  const { knex, conn } = await setup();
  await conn.query('create table items (id bigint primary key, v int) engine=InnoDB');
  const error = await knex
    .transaction(async (trx) => {
      await trx.raw('insert into items values (1, 1)');
      await ballast(trx, { progress: false, log: () => {} }).safeAddColumn('items', 'w', { type: 'integer' });
    })
    .catch((e: unknown) => e as Error & { details?: { hint?: string } });
  assert.equal(error?.name, 'WrongContextError');
  assert.match(error!.message, /its DDL would commit the open transaction/);
  assert.match(error!.details?.hint ?? '', /export const config = \{ transaction: false \}/);
  assert.deepEqual(
    await conn.query('select id from items'),
    [],
    "the caller's insert was rolled back, not committed",
  );
  assert.equal(
    (
      await conn.query(`select 1 from information_schema.COLUMNS where TABLE_SCHEMA = database()
      and TABLE_NAME = 'items' and COLUMN_NAME = 'w'`)
    ).length,
    0,
  );
});

// Through the real adapter: its sessions send SQL as written (testkit's client turns `$1` into `?`).
test('a run that fails after undoing an earlier step forgets the backfill checkpoint, so the rerun fills again', async () => {
  const { knex, conn } = await setup();
  await conn.query('create table refill (id int primary key, v int) engine=InnoDB');
  await conn.query('insert into refill values (1, null), (2, null)');
  const db = knexDatabase(knex);
  const server = await db.withSession(readServerInfo);
  const fill = planBackfill({ table: 'refill', set: { v: 'id * 10' } }, server).steps[0]!;
  const sql = (id: string, text: string) =>
    ({
      kind: 'sql',
      id,
      description: id,
      lock: 'none',
      transactional: true,
      timeout: 'ddl',
      sql: text,
    }) as const;
  const plan = freezePlan({
    operation: 'refill',
    target: 'refill',
    steps: [
      {
        ...sql('marker', 'create table refill_marker (id int) engine=InnoDB'),
        undoOnFailure: sql('drop', 'drop table refill_marker'),
      },
      fill,
      sql('fails', 'select * from refill_no_such_table'),
    ],
    reverse: [],
    notes: [],
  });
  await assert.rejects(runPlan(db, plan, { lock: false, migration: 'm1' }));
  assert.deepEqual(await conn.query('select v from refill order by id'), [{ v: 10 }, { v: 20 }]);
  assert.deepEqual(
    await conn.query('select job from ballast_backfill_checkpoints where job = ?', [`m1:${fill.id}`]),
    [],
    'forgotten: a rerun fills from the first row',
  );
});
