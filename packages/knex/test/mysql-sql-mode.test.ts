/**
 * Under sql_mode NO_BACKSLASH_ESCAPES the MySQL drivers' own `?` substitution (backslash escapes)
 * is read differently by the server: `'it\'s'` ends after the backslash. Every value Ballast sends
 * (table and column names looked up in information_schema, job names, backup catalog rows) is
 * rendered by core instead; hostile names must work, under the mode and without it.
 */
import assert from 'node:assert/strict';
import { renderMysqlParams } from '@ballast/core/adapter';
import { HOSTILE_VALUES, mysqlTestDatabase } from '@ballast/testkit';
import knexFactory from 'knex';
import { test } from 'vitest';
import { ballast } from '../src/index.js';

// Names MySQL accepts as identifiers (no NUL, at most 64 characters, no trailing space).
const HOSTILE_NAMES = ["it's\\", "x\\'; drop table victims; -- "].map((n) => n.trim());

for (const noBackslashEscapes of [true, false]) {
  test(`NO_BACKSLASH_ESCAPES ${noBackslashEscapes ? 'on' : 'off'}: helpers on hostile table and column names, values read back exact`, async () => {
    const db = await mysqlTestDatabase('sqlmode');
    const mode = noBackslashEscapes
      ? "SET SESSION sql_mode = CONCAT_WS(',', @@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES')"
      : "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')";
    const knex = knexFactory({
      client: 'mysql2',
      connection: db.url,
      pool: {
        min: 0,
        max: 4,
        afterCreate: (
          conn: { query: (sql: string, cb: (e: Error | null) => void) => void },
          done: (e: Error | null, c: unknown) => void,
        ) => conn.query(mode, (error) => done(error, conn)),
      },
    });
    const conn = await db.connect();
    try {
      await conn.query('create table victims (id int primary key)');
      for (const table of HOSTILE_NAMES) {
        const column = `${table}_c`;
        const q = (name: string) => `\`${name.replaceAll('`', '``')}\``;
        await conn.query(`create table ${q(table)} (id int primary key, v varchar(100)) engine=InnoDB`);
        await conn.query(`insert into ${q(table)} values (1, 'a'), (2, 'b'), (3, 'c')`);
        const b = ballast(knex);
        await b.safeAddColumn(table, column, 'varchar(100)');
        await b.backfill(table, { [column]: `concat(${q('v')}, '!')` });
        await b.addIndexConcurrently(table, [column]);
        assert.deepEqual(
          await conn.query(`select ${q(column)} as c from ${q(table)} order by id`),
          [{ c: 'a!' }, { c: 'b!' }, { c: 'c!' }],
          table,
        );
        // The backup catalog stores names and values as bound values: they must come back exact.
        await b.dropColumn(table, column, { confirmUnused: true });
        await b.reverse.dropColumn(table, column, { confirmUnused: true });
        assert.deepEqual(
          await conn.query(`select ${q(column)} as c from ${q(table)} order by id`),
          [{ c: 'a!' }, { c: 'b!' }, { c: 'c!' }],
          `${table}: restored from its backup`,
        );
      }
      assert.deepEqual(await conn.query('select count(*) as n from victims'), [{ n: 0 }]);
      // Hostile values through a Ballast session read back byte for byte.
      const { knexDatabase } = await import('../src/database.js');
      await knexDatabase(knex).withSession(async (s) => {
        for (const value of HOSTILE_VALUES) {
          const [row] = await s.query<{ v: string }>('select ? as v', [value]);
          assert.equal(row?.v, value, JSON.stringify(value));
        }
      });
    } finally {
      await conn.close();
      await knex.destroy();
      await db.drop();
    }
  });
}

test('renderMysqlParams: one value per ?, none inside literals, identifiers or comments', () => {
  const other = () => 'X';
  assert.equal(
    renderMysqlParams("select '?', `a?`, ? /* ? */ -- ?\n, ?", ["it's", null], other),
    "select '?', `a?`, 'it''s' /* ? */ -- ?\n, NULL",
  );
  assert.equal(renderMysqlParams('select ?', ['C:\\new'], other), "select _utf8mb4 X'433A5C6E6577'");
  assert.equal(renderMysqlParams('select ?, ?, ?', [1n, true, new Date(0)], other), 'select 1, TRUE, X');
  assert.throws(() => renderMysqlParams('select ?, ?', [1], other), /1 values given|more \? placeholders/);
  assert.throws(() => renderMysqlParams('select ?', [1, 2], other), /2 values given for 1/);
});
