/**
 * The column and table helpers on MariaDB (BALLAST_SERVERS=postgres,mysql), from a real Knex
 * migration, up → down → up: changeColumnType by online copy (old table kept as a backup),
 * renameColumn by expand then contract, dropColumn with its values kept, dropTable renamed aside; every reverse
 * brings the data back.
 */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listBackups } from '@ballast/core';
import { mysqlTestDatabase } from '@ballast/testkit';
import knexFactory from 'knex';
import { afterEach, test } from 'vitest';
import { knexDatabase } from '../src/database.js';
import { ballast } from '../src/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

test('changeColumnType, renameColumn, dropColumn, dropTable on MariaDB: up, down, up with every row', async () => {
  const db = await mysqlTestDatabase('knexcopy');
  const knex = knexFactory({ client: 'mysql2', connection: db.url, pool: { min: 0, max: 4 } });
  const conn = await db.connect();
  cleanups.push(async () => {
    await conn.close();
    await knex.destroy();
    await db.drop();
  });
  await conn.query(`create table accounts (id int primary key, balance int not null default 0 comment 'cents',
    nick varchar(20), code char(3) default 'abc', legacy varchar(20) not null default 'x') engine=InnoDB`);
  await conn.query(
    "insert into accounts select seq, seq * 10, concat('n', seq), 'abc', concat('l', seq) from seq_1_to_3000",
  );
  await conn.query('create table old_events (id int primary key, what varchar(10)) engine=InnoDB');
  await conn.query("insert into old_events values (1, 'a'), (2, 'b')");
  const migrations = { directory: join(fixtures, 'mysql-copy'), loadExtensions: ['.ts'] };
  const columns = async () =>
    (
      await conn.query<{ c: string; t: string; n: string; d: string | null; k: string }>(
        `select COLUMN_NAME as c, COLUMN_TYPE as t, IS_NULLABLE as n, COLUMN_DEFAULT as d, COLUMN_COMMENT as k
           from information_schema.COLUMNS where TABLE_SCHEMA = database() and TABLE_NAME = 'accounts'
          order by ORDINAL_POSITION`,
      )
    ).map((r) => `${r.c} ${r.t} ${r.n === 'NO' ? 'not null' : 'null'} ${r.d ?? '-'} ${r.k}`.trim());
  const tables = async () =>
    (
      await conn.query<{ t: string }>(
        "select TABLE_NAME as t from information_schema.TABLES where TABLE_SCHEMA = database() and TABLE_NAME not like 'ballast%' and TABLE_NAME not like 'knex%' order by 1",
      )
    ).map((r) => r.t);
  const before = await columns();
  const sums = async () =>
    (await conn.query<{ n: number; s: string }>('select count(*) as n, sum(balance) as s from accounts'))[0];

  await knex.migrate.latest(migrations);
  assert.deepEqual(await columns(), [
    'id int(11) not null -',
    'balance bigint(20) not null 0 cents',
    "code char(3) not null 'abc'",
    'handle varchar(20) null NULL',
  ]);
  assert.deepEqual(await sums(), { n: 3000, s: '45015000' });
  assert.ok(!(await tables()).includes('old_events'));
  const backups = await listBackups(knexDatabase(knex));
  assert.deepEqual(
    backups.map((b) => [b.kind, b.sourceTable, b.sourceColumn]),
    [
      ['table', 'accounts', 'balance'],
      ['column', 'accounts', 'legacy'],
      ['table', 'old_events', null],
      ['column', 'accounts', 'nick'],
    ],
  );

  await knex.migrate.rollback(migrations);
  // nick comes back from the contract's backup, legacy from the drop's: both at the end.
  assert.deepEqual(
    await columns(),
    [before[0], before[1], before[3], before[2], before[4]],
    'every column back as it was',
  );
  assert.deepEqual(await sums(), { n: 3000, s: '45015000' });
  assert.deepEqual(
    await conn.query(
      "select count(*) as n from accounts where legacy = concat('l', id) and nick = concat('n', id)",
    ),
    [{ n: 3000 }],
  );
  assert.deepEqual(await conn.query('select id, what from old_events order by id'), [
    { id: 1, what: 'a' },
    { id: 2, what: 'b' },
  ]);

  await knex.migrate.latest(migrations);
  assert.deepEqual(await columns(), [
    'id int(11) not null -',
    'balance bigint(20) not null 0 cents',
    "code char(3) not null 'abc'",
    'handle varchar(20) null NULL',
  ]);
  assert.deepEqual(await sums(), { n: 3000, s: '45015000' });
  const triggers = await conn.query(
    'select TRIGGER_NAME from information_schema.TRIGGERS where TRIGGER_SCHEMA = database()',
  );
  assert.deepEqual(triggers, []);
});

test('setNotNull on MariaDB refuses while rows hold NULL, naming their keys', async () => {
  const db = await mysqlTestDatabase('knexcopy');
  const knex = knexFactory({ client: 'mysql2', connection: db.url, pool: { min: 0, max: 2 } });
  const conn = await db.connect();
  cleanups.push(async () => {
    await conn.close();
    await knex.destroy();
    await db.drop();
  });
  await conn.query('create table items (id int primary key, v int) engine=InnoDB');
  await conn.query('insert into items values (1, 1), (2, null), (3, 3), (4, null)');
  const b = ballast(knex, { progress: false, log: () => {}, lock: false });
  await assert.rejects(b.setNotNull('items', 'v'), (error: Error) => {
    assert.equal(error.name, 'UnsafeOperationError');
    assert.match(error.message, /^set not null on items\.v: rows hold NULL, e\.g\. id = \(2\), \(4\)\n/);
    return true;
  });
  await conn.query('update items set v = 0 where v is null');
  await b.setNotNull('items', 'v');
  assert.deepEqual(
    await conn.query(`select IS_NULLABLE as n from information_schema.COLUMNS
      where TABLE_SCHEMA = database() and TABLE_NAME = 'items' and COLUMN_NAME = 'v'`),
    [{ n: 'NO' }],
  );
});
