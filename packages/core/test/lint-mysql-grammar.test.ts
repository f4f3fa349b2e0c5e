/**
 * Valid MySQL 8.0/8.4 and MariaDB 10.6–11.x statements node-sql-parser rejects as a whole: the
 * linter parses ALTER TABLE clause by clause, so none is reported as unparseable (a false
 * finding) and the clauses it understands keep their verdicts. Each statement is run on the
 * harness's MariaDB too, so the list holds only statements a real server accepts.
 */
import assert from 'node:assert/strict';
import { lintSql, parseMysqlVersion } from '@ballast/core/lint';
import { mysqlTestDatabase, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, test } from 'vitest';

const SETUP = [
  'DROP TABLE IF EXISTS users',
  'CREATE TABLE users (id INT PRIMARY KEY, n INT, email VARCHAR(100), KEY users_n (n)) ENGINE=InnoDB',
  'INSERT INTO users VALUES (1, 1, "a"), (2, 2, "b")',
];

/** [statement, rules expected besides lock_timeout advice]. */
const VALID: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['ALTER TABLE users ALTER COLUMN n SET DEFAULT 5', []],
  ['ALTER TABLE users ALTER n DROP DEFAULT, ALGORITHM=INSTANT', []],
  ['ALTER TABLE users ADD COLUMN c INT, ALGORITHM=NOCOPY', []],
  ['ALTER TABLE users ADD INDEX users_email (email), ALGORITHM=NOCOPY, LOCK=NONE', []],
  ['ALTER TABLE users RENAME INDEX users_n TO users_n2', []],
  ['ALTER TABLE users ALTER COLUMN n SET DEFAULT 1, ADD COLUMN c INT, ALGORITHM=INSTANT', []],
  ['ALTER TABLE users ADD COLUMN c INT, ALGORITHM=COPY', ['require-online-alter-algorithm']],
];

const mariadb = parseMysqlVersion('mariadb-11.4');
let db: TestDatabase;
let conn: SqlConnection;

beforeAll(async () => {
  db = await mysqlTestDatabase('lint_grammar');
  conn = await db.connect();
});
afterAll(async () => {
  await conn?.close();
  await db?.drop();
});

test('valid ALTER TABLE forms outside node-sql-parser are parsed, not reported as unreadable', async () => {
  for (const [sql, rules] of VALID) {
    const found = lintSql(`${sql};`, { dialect: 'mysql', mysql: mariadb })
      .findings.map((f) => f.rule)
      .filter((r) => r !== 'require-lock-timeout' && r !== 'require-online-ddl-clauses');
    assert.deepEqual(found, rules, sql);
    for (const s of SETUP) await conn.query(s);
    await conn.query(sql);
  }
});

test('CREATE INDEX … ALGORITHM=COPY copies the table: flagged', async () => {
  const sql = 'CREATE INDEX users_email ON users (email) ALGORITHM=COPY';
  const found = lintSql(`${sql};`, { dialect: 'mysql', mysql: mariadb }).findings.map((f) => f.rule);
  assert.ok(found.includes('require-online-alter-algorithm'), found.join(', '));
  for (const s of SETUP) await conn.query(s);
  await conn.query(sql);
});
