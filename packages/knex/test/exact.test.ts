import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IdentifierTooLongError, type ObjectConflictError } from '@ballast/core';
import { quoteIdent } from '@ballast/core/adapter';
import { pgServers, pgTestDatabase } from '@ballast/testkit';
import knexFactory from 'knex';
import { test } from 'vitest';
import { ballast } from '../src/index.js';
import { describeTable } from './support/catalog.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const A63 = 'a'.repeat(63);

for (const server of pgServers())
  test(`[pg ${server.label}] Knex helpers act on exactly the object named: no "already done" on another definition, no cut names`, async () => {
    const db = await pgTestDatabase('knexexact', server);
    const knex = knexFactory({ client: 'pg', connection: db.url, pool: { min: 0, max: 4 } });
    const conn = await db.connect();
    try {
      await conn.query(
        `create table items (id int primary key, name text not null, ${quoteIdent('postgres', A63)} int)`,
      );
      await conn.query(`insert into items select g, 'item ' || g, g from generate_series(1, 20) g`);
      const before = await describeTable(conn, 'items');

      // Inside Knex's migration transaction: the comparison runs in a savepoint, the conflict
      // aborts the migration and Knex rolls back the column added before it.
      const error = await knex.migrate
        .latest({ directory: join(fixtures, 'exact'), loadExtensions: ['.ts'] })
        .then(
          () => assert.fail('the migration should have been refused'),
          (e: unknown) => e,
        );
      // The migration file loads @ballast/core through Node, this test through Vitest: two copies
      // of the class, so compare the name (users have one copy; instanceof holds for them).
      const conflict = error as ObjectConflictError;
      assert.equal(conflict.name, 'ObjectConflictError', String(error));
      assert.equal(conflict.existing, 'text NOT NULL');
      assert.equal(conflict.requested, 'integer DEFAULT 0 NOT NULL');
      assert.deepEqual(await describeTable(conn, 'items'), before);
      assert.deepEqual(await conn.query('select name from knex_migrations'), []);

      // dropColumn of `<63 a>_legacy` used to drop `<63 a>`: refused, the column and its data stay.
      const b = ballast(knex, { progress: false, log: () => {}, migration: 'adhoc-exact' });
      await assert.rejects(b.dropColumn('items', `${A63}_legacy`, { confirmUnused: true }), (e: unknown) => {
        assert.ok(e instanceof IdentifierTooLongError, String(e));
        assert.equal(e.length, 70);
        return true;
      });
      assert.deepEqual(await describeTable(conn, 'items'), before);
      const [sum] = await conn.query<{ s: string }>(
        `select sum(${quoteIdent('postgres', A63)})::text as s from items`,
      );
      assert.equal(sum!.s, '210');
    } finally {
      await conn.close();
      await knex.destroy();
      await db.drop();
    }
  });
