/**
 * renameColumn / changeColumnType with newColumn / contract on MariaDB (BALLAST_SERVERS=postgres,mysql)
 * through real Knex migrations: expand (both names live, kept equal), contract (old values kept in
 * backups), then down, down, up, up with every value.
 */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listBackups, pendingContractions } from '@ballast/core';
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

async function setup() {
  const db = await mysqlTestDatabase('knexexpand');
  const knex = knexFactory({ client: 'mysql2', connection: db.url, pool: { min: 0, max: 4 } });
  const conn = await db.connect();
  cleanups.push(async () => {
    await conn.close();
    await knex.destroy();
    await db.drop();
  });
  return { knex, conn };
}

test('expand, contract, down, down, up, up on MariaDB through Knex migrations: every value kept', async () => {
  const { knex, conn } = await setup();
  await conn.query(`create table members (id int primary key, nick varchar(30) not null, score int,
    unique key members_nick_key (nick)) engine=InnoDB`);
  await conn.query("insert into members select seq, concat('m', seq), seq from seq_1_to_2000");
  const migrations = { directory: join(fixtures, 'mysql-expand'), loadExtensions: ['.ts'] };
  // A misspelt option is refused before any change.
  const b = ballast(knex, { progress: false, log: () => {}, lock: false });
  await assert.rejects(
    b.changeColumnType('members', 'score', 'BIGINT', { newColum: 'points' } as never),
    (error: Error) => error.name === 'InvalidArgumentError' && /newColum/.test(error.message),
  );
  await assert.rejects(
    b.contract('members', 'score', { ignoreVerifyMismatch: true } as never),
    (error: Error) => error.name === 'InvalidArgumentError' && /ignoreVerifyMismatch/.test(error.message),
  );
  const columns = async () =>
    (
      await conn.query<{ c: string }>(
        `select COLUMN_NAME as c from information_schema.COLUMNS
          where TABLE_SCHEMA = database() and TABLE_NAME = 'members' order by ORDINAL_POSITION`,
      )
    ).map((r) => r.c);
  const triggers = async () =>
    (
      await conn.query<{ n: string }>(
        "select count(*) as n from information_schema.TRIGGERS where TRIGGER_SCHEMA = database() and EVENT_OBJECT_TABLE = 'members'",
      )
    )[0]?.n;
  const sums = async (name: string, score: string) =>
    (
      await conn.query(
        `select count(*) as n, count(distinct \`${name}\`) as names, sum(\`${score}\`) as s from members`,
      )
    )[0];

  await knex.migrate.up(migrations);
  assert.deepEqual(await columns(), ['id', 'nick', 'score', 'handle', 'points']);
  assert.equal(Number(await triggers()), 4);
  // Old-version and new-version writes, through Knex, each seen under the other name.
  await knex('members').insert({ id: 3000, nick: 'old', score: 7 });
  await knex('members').insert({ id: 3001, handle: 'new', points: 90 });
  await knex('members').where({ id: 1 }).update({ handle: 'renamed', points: 50 });
  assert.deepEqual(
    await conn.query(
      'select id, nick, handle, score, points from members where id in (1, 3000, 3001) order by id',
    ),
    [
      { id: 1, nick: 'renamed', handle: 'renamed', score: 5, points: 50 },
      { id: 3000, nick: 'old', handle: 'old', score: 7, points: 70 },
      { id: 3001, nick: 'new', handle: 'new', score: 9, points: 90 },
    ],
  );
  assert.deepEqual(
    (await pendingContractions(knexDatabase(knex))).map((e) => `${e.oldColumn}→${e.newColumn}`),
    ['nick→handle', 'score→points'],
  );

  await knex.migrate.up(migrations);
  assert.deepEqual(await columns(), ['id', 'handle', 'points']);
  assert.equal(Number(await triggers()), 0);
  const contracted = await sums('handle', 'points');
  assert.deepEqual(contracted, { n: 2002, names: 2002, s: '20010200' });
  assert.deepEqual(
    (await listBackups(knexDatabase(knex))).map((b) => [b.kind, b.sourceColumn]),
    [
      ['column', 'nick'],
      ['column', 'score'],
    ],
  );

  await knex.migrate.down(migrations);
  assert.deepEqual(await columns(), ['id', 'handle', 'points', 'score', 'nick']);
  assert.equal(Number(await triggers()), 4);
  assert.deepEqual(await sums('nick', 'score'), { n: 2002, names: 2002, s: '2001020' });
  await knex.migrate.down(migrations);
  // Brought back from their backups at the end of the table.
  assert.deepEqual(await columns(), ['id', 'score', 'nick']);
  assert.equal(Number(await triggers()), 0);
  assert.deepEqual(await sums('nick', 'score'), { n: 2002, names: 2002, s: '2001020' });

  await knex.migrate.latest(migrations);
  assert.deepEqual(await columns(), ['id', 'handle', 'points']);
  assert.deepEqual(await sums('handle', 'points'), contracted);
  assert.equal(Number(await triggers()), 0);
});
