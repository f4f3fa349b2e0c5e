/**
 * The Knex helpers on MariaDB (BALLAST_SERVERS=mysql or postgres,mysql) act on exactly the object
 * named: rerun over an equal column or index they report it already done; over one that only
 * shares the name they are refused with ObjectConflictError and the table stays as it was.
 */
import assert from 'node:assert/strict';
import type { ObjectConflictError } from '@ballast/core';
import { mysqlTestDatabase } from '@ballast/testkit';
import knexFactory from 'knex';
import { test } from 'vitest';
import { ballast } from '../src/index.js';

test('MariaDB: an equal column or index is already done, one that only shares the name is refused', async () => {
  const db = await mysqlTestDatabase('knexmyexact');
  const knex = knexFactory({ client: 'mysql2', connection: db.url, pool: { min: 0, max: 4 } });
  const conn = await db.connect();
  try {
    await conn.query(
      `create table items (id int primary key, label varchar(40) not null default 'it''s', n int,
         unique key items_label_key (label)) engine=InnoDB`,
    );
    const shape = async () =>
      (await conn.query<Record<string, string>>('show create table items'))[0]!['Create Table'];
    const before = await shape();
    const b = ballast(knex, { progress: false, log: () => {}, migration: 'adhoc-exact', lock: false });

    const column = await b.safeAddColumn('items', 'label', (t) =>
      t.string('label', 40).notNullable().defaultTo("it's"),
    );
    assert.deepEqual(
      column.steps.map((s) => s.status),
      ['already-done'],
    );
    const unique = await b.addUnique('items', ['label'], { name: 'items_label_key' });
    assert.deepEqual(
      unique.steps.map((s) => s.status),
      ['already-done'],
    );

    // Another migration (a journal of its own: the first one recorded these steps as done).
    const other = ballast(knex, { progress: false, log: () => {}, migration: 'adhoc-other', lock: false });
    const refused = async (call: Promise<unknown>) =>
      call.then(
        () => assert.fail('should have been refused'),
        (e: unknown) => e as ObjectConflictError,
      );
    const type = await refused(other.safeAddColumn('items', 'label', (t) => t.integer('label')));
    assert.equal(type.name, 'ObjectConflictError', String(type));
    assert.equal(type.existing, "varchar(40) DEFAULT it's NOT NULL");
    assert.equal(type.requested, 'int(11)');
    const index = await refused(other.addUnique('items', ['n'], { name: 'items_label_key' }));
    assert.equal(index.name, 'ObjectConflictError', String(index));
    assert.equal(index.existing, 'UNIQUE BTREE (`label`)');
    assert.equal(index.requested, 'UNIQUE BTREE (`n`)');
    assert.equal(await shape(), before);
  } finally {
    await conn.close();
    await knex.destroy();
    await db.drop();
  }
});
