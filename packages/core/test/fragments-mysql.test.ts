/**
 * requireFragment on MySQL/MariaDB reads quotes as MySQL does (dialects/mysql/scan.ts), not as
 * PostgreSQL does: a backticked name may hold `'`, `;` or `#`, and `#` outside quotes is a comment
 * that would hide the rest of the line (the batch's key range) from the server. Every accepted
 * fragment runs as a backfill SET expression on a real table with such column names, under the
 * default sql_mode and under NO_BACKSLASH_ESCAPES,ANSI_QUOTES; every refused one says what it
 * found and where, before anything runs.
 */
import assert from 'node:assert/strict';
import {
  type Database,
  mysqlDatabaseFromUrl,
  planAddColumn,
  planBackfill,
  readServerInfo,
  runBackfill,
  UnsafeOperationError,
} from '@ballast/core';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { type MysqlFixture, mysqlFixture } from './support/mysql.js';

let fx: MysqlFixture;
beforeAll(async () => {
  fx = await mysqlFixture('fragments');
  await fx.sql(
    "create table f (id int primary key, `it's` int, `a;b` int, `x#y` int, `back``tick` int, t text, v text) engine=InnoDB",
  );
  await fx.sql("insert into f values (1, 10, 20, 30, 40, 'plain', null), (2, 11, 21, 31, 41, 'text', null)");
});
afterAll(() => fx.close());

/** Each fragment and the value it gives row 1. Strings avoid `"` and `\` so both modes agree. */
const ACCEPTED: readonly { readonly set: string; readonly row1: string }[] = [
  { set: "concat(`it's`, '')", row1: '10' },
  { set: 'concat(`a;b` + `x#y`)', row1: '50' },
  { set: 'concat(`back``tick`)', row1: '40' },
  { set: "concat(t, '; -- # /* not comments */')", row1: 'plain; -- # /* not comments */' },
  { set: "concat('it''s', '#')", row1: "it's#" },
  // Not a dollar quote on MySQL: `$` is an identifier character, the `;` would be SQL (refused below).
  { set: "concat('$$', t)", row1: '$$plain' },
];

const REFUSED: readonly { readonly set: string; readonly found: string; readonly at: number }[] = [
  // The comment would hide `where <key range>` from the UPDATE: every row in one statement.
  { set: 'id * 2 # cents', found: 'a # comment', at: 8 },
  { set: 'id; drop table f', found: 'a semicolon', at: 3 },
  { set: 'id -- x', found: 'a -- comment', at: 4 },
  { set: 'id /*! , t = 1 */', found: 'a /* comment', at: 4 },
  { set: '`open', found: 'an unterminated quote', at: 1 },
  // PostgreSQL reads a dollar quote here; MySQL reads `$$` as a name and `;` as a statement break.
  { set: '$$;$$', found: 'a semicolon', at: 3 },
  // With backslash escapes (the default) 'a\'' ends at its last quote and `;` is SQL; without them
  // (NO_BACKSLASH_ESCAPES) the string runs to the final quote. Both readings must be one expression.
  { set: "concat('a\\'', 1);'", found: 'a semicolon', at: 17 },
  // "\"" # " is one string with escapes, and ends at the second quote without them (ANSI_QUOTES).
  { set: '"\\"" # "', found: 'a # comment', at: 6 },
];

describe('accepted on MySQL: one expression, whatever its backticks and strings contain', () => {
  for (const [label, mode] of [
    ['server default', '@@global.sql_mode'],
    [
      'NO_BACKSLASH_ESCAPES,ANSI_QUOTES',
      "concat_ws(',', @@global.sql_mode, 'NO_BACKSLASH_ESCAPES,ANSI_QUOTES')",
    ],
  ] as const) {
    // Every session Ballast opens runs in this sql_mode (core's own MySQL sessions: their values
    // are rendered by renderMysqlParams, right under both modes).
    let pooled: Database | undefined;
    const db: Database = {
      dialect: 'mysql',
      withSession: (fn) => {
        pooled ??= mysqlDatabaseFromUrl(fx.test.url);
        return pooled.withSession(async (s) => {
          await s.query(`set session sql_mode = ${mode}`);
          try {
            return await fn(s);
          } finally {
            await s.query('set session sql_mode = @@global.sql_mode');
          }
        });
      },
    };
    afterAll(() => pooled?.close?.());
    ACCEPTED.forEach(({ set, row1 }, i) => {
      test(`${set} (sql_mode: ${label})`, async () => {
        await fx.sql('update f set v = null');
        await runBackfill(
          db,
          { table: 'f', set: { v: set } },
          {
            job: `f-${i}-${label}`,
            initialBatchSize: 1,
            minBatchSize: 1,
            maxBatchSize: 1,
          },
        );
        const rows = await fx.sql<{ id: number; v: string }>('select id, v from f order by id');
        assert.equal(rows[0]!.v, row1);
        assert.ok(rows[1]!.v !== null, 'the second batch ran too');
      });
    });
  }
});

describe('refused on MySQL: a separator, a comment or an open quote outside quotes', () => {
  for (const c of REFUSED) {
    test(c.set, async () => {
      const server = await fx.db.withSession(readServerInfo);
      const expected = `contains ${c.found} at character ${c.at}, outside quotes`;
      const check = (error: unknown) => {
        assert.ok(error instanceof UnsafeOperationError, String(error));
        assert.ok(error.message.includes(expected), error.message);
        return true;
      };
      assert.throws(() => planBackfill({ table: 'f', set: { v: c.set } }, server), check);
      await assert.rejects(runBackfill(fx.db, { table: 'f', set: { v: c.set } }), check);
      assert.throws(
        () => planAddColumn({ table: 'f', column: 'n', type: 'text', default: { sql: c.set } }, server),
        check,
      );
    });
  }
});
