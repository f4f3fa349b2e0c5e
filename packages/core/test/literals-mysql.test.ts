/**
 * quoteLiteral on MySQL/MariaDB: a backslash in '' is an escape unless sql_mode has
 * NO_BACKSLASH_ESCAPES, so the renderer never relies on one. Every hostile value reads back
 * byte-exact in both modes, as a SELECT literal and as a column DEFAULT.
 */
import assert from 'node:assert/strict';
import { quoteIdent, quoteLiteral } from '@ballast/core/adapter';
import { HOSTILE_VALUES, mysqlTestDatabase, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, test } from 'vitest';

let db: TestDatabase;
let conn: SqlConnection;
beforeAll(async () => {
  db = await mysqlTestDatabase('literals');
  conn = await db.connect();
});
afterAll(async () => {
  await conn?.close();
  await db?.drop();
});

for (const noBackslashEscapes of [false, true])
  test(`NO_BACKSLASH_ESCAPES ${noBackslashEscapes ? 'on' : 'off'}: quoteLiteral reads back byte-exact`, async () => {
    await conn.query(
      noBackslashEscapes
        ? "SET SESSION sql_mode = CONCAT_WS(',', @@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES')"
        : "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')",
    );
    const table = quoteIdent('mysql', `t ${noBackslashEscapes}`);
    await conn.query(`CREATE TABLE ${table} (id INT AUTO_INCREMENT PRIMARY KEY) DEFAULT CHARSET=utf8mb4`);
    for (const [i, value] of HOSTILE_VALUES.entries()) {
      const literal = quoteLiteral('mysql', value);
      const [row] = await conn.query<{ v: string }>(`SELECT CONVERT(${literal} USING utf8mb4) AS v`);
      assert.equal(row!.v, value, literal);
      await conn.query(`ALTER TABLE ${table} ADD COLUMN c${i} VARCHAR(100) NOT NULL DEFAULT ${literal}`);
    }
    await conn.query(`INSERT INTO ${table} () VALUES ()`);
    const [stored] = await conn.query<Record<string, string>>(`SELECT * FROM ${table}`);
    for (const [i, value] of HOSTILE_VALUES.entries()) assert.equal(stored![`c${i}`], value, `default c${i}`);
  });
