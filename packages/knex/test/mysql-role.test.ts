/**
 * The migration role of a real deployment is not root: privileges on its own database only (no
 * PROCESS, SUPER, REPLICATION CLIENT), on a server with binary logging on. Every MySQL helper
 * must work with that, or refuse before it changes anything, saying which privilege is missing.
 */
import assert from 'node:assert/strict';
import { mysqlTestDatabase } from '@ballast/testkit';
import knexFactory from 'knex';
import { test } from 'vitest';
import { ballast } from '../src/index.js';

test('a role with privileges on its database only runs every MySQL helper, the online copy included', async () => {
  const db = await mysqlTestDatabase('role');
  const root = await db.connect();
  const name = new URL(db.url).pathname.slice(1);
  const user = `mig_${Date.now() % 1_000_000}`;
  await root.query(`create user '${user}'@'%' identified by 'pw'`);
  await root.query(`grant all on \`${name}\`.* to '${user}'@'%'`);
  const url = new URL(db.url);
  url.username = user;
  url.password = 'pw';
  const knex = knexFactory({ client: 'mysql2', connection: url.toString(), pool: { min: 0, max: 4 } });
  try {
    await root.query('create table owners (id int primary key) engine=InnoDB');
    await root.query('insert into owners values (1), (2)');
    await root.query(
      'create table items (id int primary key, name varchar(50) not null, n int, owner_id int) engine=InnoDB',
    );
    await root.query("insert into items values (1, 'a', 1, 1), (2, 'b', 2, 2), (3, 'c', 3, null)");
    const b = ballast(knex);
    await b.safeAddColumn('items', 'label', 'varchar(60)');
    await b.backfill('items', { label: 'upper(name)' });
    await b.setNotNull('items', 'label');
    await b.addIndexConcurrently('items', ['label']);
    await b.addUnique('items', ['name']);
    await b.addForeignKey('items', ['owner_id'], { table: 'owners', columns: ['id'] });
    await b.reverse.addForeignKey('items', ['owner_id'], { table: 'owners', columns: ['id'] });
    // The harness's MariaDB logs binary like a production primary: CREATE TRIGGER then needs SUPER,
    // so the online copy refuses before it creates anything, and names both ways out.
    await assert.rejects(
      b.changeColumnType('items', 'n', 'bigint'),
      (error: Error & { details?: { hint?: string } }) => {
        assert.equal(error.name, 'PrivilegeError', error.message);
        assert.match(error.message, /cannot create triggers.*binary logging is on.*Nothing was changed/s);
        assert.match(error.details?.hint ?? '', /log_bin_trust_function_creators = 1.*GRANT SUPER/);
        return true;
      },
    );
    assert.deepEqual(
      await root.query(
        `select TABLE_NAME as t from information_schema.TABLES where TABLE_SCHEMA = database() and TABLE_NAME like '%items%'`,
      ),
      [{ t: 'items' }],
      'no shadow table was created',
    );
    // renameColumn is an expand: its sync triggers are refused the same way.
    await assert.rejects(
      b.renameColumn('items', 'label', 'title'),
      (error: Error) => error.name === 'PrivilegeError',
    );
    await root.query('set global log_bin_trust_function_creators = 1');
    try {
      await b.changeColumnType('items', 'n', 'bigint');
      await b.renameColumn('items', 'label', 'title');
      await b.contract('items', 'label');
    } finally {
      await root.query('set global log_bin_trust_function_creators = 0');
    }
    await b.dropColumn('items', 'owner_id', { confirmUnused: true });
    await b.reverse.dropColumn('items', 'owner_id', { confirmUnused: true });
    await b.dropTable('owners', { confirmUnused: true });
    await b.reverse.dropTable('owners', { confirmUnused: true });
    const columns = await root.query<{ c: string; t: string }>(
      `select COLUMN_NAME as c, COLUMN_TYPE as t from information_schema.COLUMNS
        where TABLE_SCHEMA = database() and TABLE_NAME = 'items' order by ORDINAL_POSITION`,
    );
    assert.equal(columns.find((c) => c.c === 'n')?.t, 'bigint(20)');
    assert.deepEqual(await root.query('select count(*) as n from owners'), [{ n: 2 }]);
    assert.deepEqual(await root.query('select id, n, owner_id from items order by id'), [
      { id: 1, n: 1, owner_id: 1 },
      { id: 2, n: 2, owner_id: 2 },
      { id: 3, n: 3, owner_id: null },
    ]);
  } finally {
    await knex.destroy();
    await root.query(`drop user '${user}'@'%'`);
    await root.close();
    await db.drop();
  }
});
