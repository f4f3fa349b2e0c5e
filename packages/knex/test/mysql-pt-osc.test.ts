/**
 * changeColumnType(…, { via: 'pt-osc' }) on MariaDB (BALLAST_SERVERS=postgres,mysql): the copy
 * delegated to pt-online-schema-change (percona-toolkit, installed here and by .ci/run), connected
 * with the Knex connection's own user and password through a temporary defaults file.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listBackups, onlineCopy } from '@ballast/core';
import { mysqlTestDatabase, pgTestDatabase } from '@ballast/testkit';
import knexFactory from 'knex';
import { afterEach, test } from 'vitest';
import { knexDatabase } from '../src/database.js';
import { ballast } from '../src/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const tempDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith('ballast-pt-osc-'));

/** A test database, and a Knex on it as a user whose password needs quoting in an option file. */
async function setup() {
  const db = await mysqlTestDatabase('ptosc');
  const conn = await db.connect();
  const user = `u${db.name.slice(-10)}`;
  const password = `p"a\\s s,w'rd#;=`;
  for (const host of ['%', 'localhost']) {
    await conn.query(`create user '${user}'@'${host}' identified by ?`, [password]);
    await conn.query(`grant all on *.* to '${user}'@'${host}'`);
  }
  const url = new URL(db.url);
  const knex = knexFactory({
    client: 'mysql2',
    connection: {
      host: url.hostname,
      port: Number(url.port),
      user,
      password,
      database: db.name,
    },
    pool: { min: 0, max: 4 },
  });
  cleanups.push(async () => {
    await knex.destroy();
    for (const host of ['%', 'localhost']) await conn.query(`drop user '${user}'@'${host}'`);
    await conn.close();
    await db.drop();
  });
  await conn.query(
    "create table accounts (id int primary key, balance int not null default 0 comment 'cents') engine=InnoDB",
  );
  await conn.query('insert into accounts select seq, seq * 10 from seq_1_to_3000');
  return { db, conn, knex, url };
}

test("via: 'pt-osc' runs pt-online-schema-change with the connection's credentials, keeps the old table as a backup; down the same way", async () => {
  const { conn, knex } = await setup();
  const type = async () =>
    (
      await conn.query<{ t: string }>(
        "select COLUMN_TYPE as t from information_schema.COLUMNS where TABLE_SCHEMA = database() and TABLE_NAME = 'accounts' and COLUMN_NAME = 'balance'",
      )
    )[0]?.t;
  const sums = async () =>
    (await conn.query<{ n: number; s: string }>('select count(*) as n, sum(balance) as s from accounts'))[0];
  const temps = tempDirs();
  const migrations = { directory: join(fixtures, 'mysql-pt-osc'), loadExtensions: ['.ts'] };

  await knex.migrate.latest(migrations);
  assert.equal(await type(), 'bigint(20)');
  assert.deepEqual(await sums(), { n: 3000, s: '45015000' });
  const backups = await listBackups(knexDatabase(knex), { table: 'accounts' });
  assert.deepEqual(
    backups.map((b) => [b.backupTable, b.sourceColumn, b.status]),
    [['_accounts_old', 'balance', 'ready']],
  );
  const [triggers] = await conn.query<{ n: number }>(
    'select count(*) as n from information_schema.TRIGGERS where TRIGGER_SCHEMA = database()',
  );
  assert.equal(Number(triggers!.n), 0);
  assert.deepEqual(tempDirs(), temps, 'the defaults file and its directory are removed');

  // A row written after the change is carried back by the reverse copy.
  await conn.query('insert into accounts values (3001, 7)');
  await knex.migrate.rollback(migrations);
  assert.equal(await type(), 'int(11)');
  assert.deepEqual(await sums(), { n: 3001, s: '45015007' });
  assert.deepEqual(tempDirs(), temps);
});

test('via is validated (a misspelling, pt-osc without credentials), and a missing binary or a failing run is a BallastError that says why', async () => {
  const { knex, url } = await setup();
  const b = ballast(knex, { progress: false, log: () => {} });
  await assert.rejects(
    b.changeColumnType('accounts', 'balance', 'BIGINT', { via: 'ptosc' } as never),
    (e: Error) => e.name === 'InvalidArgumentError' && /via/.test(e.message),
  );
  // pt-osc copies the table: it cannot carry an expand's new column, so the pair is refused, not one of them ignored.
  await assert.rejects(
    b.changeColumnType('accounts', 'balance', 'BIGINT', { via: 'pt-osc', newColumn: 'balance_big' }),
    (e: Error) => e.name === 'UnsupportedServerError' && /cannot be combined with newColumn/.test(e.message),
  );
  const credentials = { host: url.hostname, port: Number(url.port), user: url.username || 'root' };
  const core = { dialect: 'mysql' as const, withSession: knexDatabase(knex).withSession };
  await assert.rejects(
    onlineCopy(core, { table: 'accounts', alter: ['MODIFY `nope` BIGINT'] }, { via: 'pt-osc', credentials }),
    (e: Error) =>
      e.name === 'PtOnlineSchemaChangeError' && /failed \(exit \d+\):\n[\s\S]*nope/.test(e.message),
  );
  await assert.rejects(
    onlineCopy(core, { table: 'accounts', alter: ['MODIFY `balance` BIGINT'] }, { via: 'pt-osc' }),
    (e: Error) => e.name === 'InvalidArgumentError' && /credentials/.test(e.message),
  );
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    await assert.rejects(
      onlineCopy(
        core,
        { table: 'accounts', alter: ['MODIFY `balance` BIGINT'] },
        { via: 'pt-osc', credentials },
      ),
      (e: Error) =>
        e.name === 'MissingDependencyError' && /pt-online-schema-change is not installed/.test(e.message),
    );
  } finally {
    process.env.PATH = path;
  }
});

test("via: 'pt-osc' on PostgreSQL is refused before anything is changed", async () => {
  const db = await pgTestDatabase('ptoscpg');
  const knex = knexFactory({ client: 'pg', connection: db.url, pool: { min: 0, max: 2 } });
  cleanups.push(async () => {
    await knex.destroy();
    await db.drop();
  });
  await knex.raw('create table t (id int primary key, n int)');
  const b = ballast(knex, { progress: false, log: () => {}, migration: 'adhoc-via' });
  await assert.rejects(
    b.changeColumnType('t', 'n', 'bigint', { via: 'pt-osc' }),
    (e: Error) => e.name === 'UnsupportedServerError' && /is for MySQL\/MariaDB/.test(e.message),
  );
  const columns = await knex.raw<{ rows: { c: string }[] }>(
    "select column_name as c from information_schema.columns where table_name = 't' order by 1",
  );
  assert.deepEqual(
    columns.rows.map((r) => r.c),
    ['id', 'n'],
  );
});
