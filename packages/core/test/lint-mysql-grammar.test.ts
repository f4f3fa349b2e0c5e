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

/** MariaDB's IF [NOT] EXISTS / OR REPLACE / ONLINE guards, index hints: [statement, rules besides the lock advice]. */
const GUARDED: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['ALTER TABLE users ADD COLUMN IF NOT EXISTS c INT', []],
  ['ALTER TABLE users DROP COLUMN IF EXISTS email', ['ban-dropping-column']],
  ['ALTER TABLE users MODIFY COLUMN IF EXISTS email VARCHAR(200)', []],
  ['ALTER TABLE users ADD INDEX IF NOT EXISTS users_email (email)', []],
  ['DROP INDEX IF EXISTS users_n ON users', []],
  ['CREATE OR REPLACE INDEX users_n ON users (n)', []],
  ['CREATE INDEX IF NOT EXISTS users_email ON users (email)', []],
  ['ALTER ONLINE TABLE users ADD COLUMN c INT', []],
  ['RENAME TABLE IF EXISTS users TO members', ['ban-renaming-table']],
  // Index hints (MySQL and MariaDB) choose a plan, not what the statement changes.
  ['SELECT n FROM users FORCE INDEX (users_n) WHERE n = 1', []],
  [
    'UPDATE users u JOIN users v USE INDEX FOR JOIN (users_n) ON v.n = u.n SET u.email = v.email',
    ['require-batched-data-change'],
  ],
];

test('MariaDB guards and index hints are read; the statement keeps the verdict it has without them', async () => {
  for (const [sql, rules] of GUARDED) {
    const result = lintSql(`${sql};`, { dialect: 'mysql', mysql: mariadb });
    const found = result.findings
      .map((f) => f.rule)
      .filter((r) => r !== 'require-lock-timeout' && r !== 'require-online-ddl-clauses');
    assert.deepEqual(found, rules, sql);
    for (const s of ['DROP TABLE IF EXISTS members', ...SETUP]) await conn.query(s);
    await conn.query(sql);
  }
});

/**
 * Mattermost's idioms: a procedure created, CALLed and dropped; DDL in a string run through
 * PREPARE/EXECUTE only if a column exists. The statements they run are linted where they are written.
 */
const ROUTINE = [
  `CREATE PROCEDURE migrate_users ()
BEGIN
  DECLARE has_email INT;
  SELECT COUNT(*) FROM INFORMATION_SCHEMA.COLUMNS
  WHERE TABLE_NAME = 'users' AND table_schema = DATABASE() AND COLUMN_NAME = 'email' INTO has_email;
  IF (has_email > 0) THEN
    UPDATE users SET n = n + 1 WHERE email IS NOT NULL;
  END IF;
END`,
  'CALL migrate_users ()',
  'DROP PROCEDURE IF EXISTS migrate_users',
  `SET @s = (SELECT IF(
    (SELECT COUNT(*) FROM INFORMATION_SCHEMA.COLUMNS
     WHERE table_name = 'users' AND table_schema = DATABASE() AND column_name = 'email') > 0,
    'ALTER TABLE users DROP COLUMN email;',
    'SELECT 1'
))`,
  'PREPARE dropIfExists FROM @s',
  'EXECUTE dropIfExists',
  'DEALLOCATE PREPARE dropIfExists',
];

test('procedure bodies the file CALLs and PREPAREd strings are linted; the rest parses', async () => {
  const text = `${ROUTINE.join(';\n')};\n`;
  for (const mysql of [mariadb, parseMysqlVersion('8.0.36')]) {
    const found = lintSql(text, { dialect: 'mysql', mysql })
      .findings.filter((f) => f.rule !== 'require-lock-timeout' && f.rule !== 'require-online-ddl-clauses')
      .map((f) => `${f.line}:${f.column} ${f.rule}`);
    // The UPDATE in the body (line 7) and the DROP COLUMN inside the string (line 15, after its quote).
    assert.deepEqual(found, ['7:5 require-batched-data-change', '15:6 ban-dropping-column'], mysql.flavor);
  }
  // The same file behind DELIMITER, as the mysql client reads it.
  const client = `DELIMITER $$\n${ROUTINE[0]}$$\nDELIMITER ;\n${ROUTINE.slice(1).join(';\n')};\n`;
  const rules = lintSql(client, { dialect: 'mysql', mysql: mariadb }).findings.map((f) => f.rule);
  assert.ok(!rules.includes('unparseable-sql'), rules.join(', '));
  assert.ok(rules.includes('require-batched-data-change') && rules.includes('ban-dropping-column'));
  // A procedure the file does not CALL runs nothing here; every statement is valid on the server.
  const uncalled = lintSql(`${ROUTINE[0]};\n`, { dialect: 'mysql', mysql: mariadb }).findings;
  assert.deepEqual(
    uncalled.map((f) => f.rule).filter((r) => r !== 'require-lock-timeout'),
    [],
  );
  for (const s of SETUP) await conn.query(s);
  for (const s of ROUTINE) await conn.query(s);
  const [columns] = await conn.query<{ n: number }>(
    "SELECT COUNT(*) AS n FROM INFORMATION_SCHEMA.COLUMNS WHERE table_schema = DATABASE() AND table_name = 'users' AND column_name = 'email'",
  );
  assert.equal(Number(columns?.n), 0, 'the PREPAREd DROP COLUMN ran');
});
