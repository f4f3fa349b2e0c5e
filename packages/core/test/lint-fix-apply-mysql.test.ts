/**
 * `--fix` for MySQL/MariaDB on the harness's server: the rewrite states ALGORITHM/LOCK as planned
 * by planAddColumn/planCreateIndex for that server version, lints clean, applies (MariaDB would
 * refuse a clause it cannot honour with errno 1846), and the schema is what was meant.
 */
import assert from 'node:assert/strict';
import {
  lintSql,
  loadLintFixes,
  type MysqlServer,
  parseMysqlVersion,
  renderFixedFile,
} from '@ballast/core/lint';
import { mysqlTestDatabase, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, test } from 'vitest';

// Fix text and plans come with the fix planner, which the lint entry point loads on request.
beforeAll(() => loadLintFixes());

const UNSAFE = `ALTER TABLE users ADD COLUMN nickname VARCHAR(40) NOT NULL DEFAULT 'n/a';
CREATE INDEX users_email_idx ON users (email);
ALTER TABLE users ADD UNIQUE INDEX users_handle_key (handle), ADD INDEX (created_at);
ALTER TABLE users ADD COLUMN score DECIMAL(10,2) UNSIGNED DEFAULT 0;
`;

let db: TestDatabase;
let conn: SqlConnection;
let server: MysqlServer;

beforeAll(async () => {
  db = await mysqlTestDatabase('lint_fix');
  conn = await db.connect();
  const [row] = await conn.query<{ v: string }>('select version() as v');
  server = parseMysqlVersion(row!.v);
  await conn.query(
    'CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(100), handle VARCHAR(40), created_at DATETIME) ENGINE=InnoDB',
  );
  for (let i = 0; i < 20; i++) {
    await conn.query(
      `INSERT INTO users (email, handle, created_at) SELECT CONCAT('u', seq, '@x'), CONCAT('h', seq), NOW()
         FROM (SELECT ${i} * 100 + n AS seq FROM (SELECT 0 n UNION SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7 UNION SELECT 8 UNION SELECT 9) a) s`,
    );
  }
});
afterAll(async () => {
  await conn?.close();
  await db?.drop();
});

test('MySQL/MariaDB --fix output lints clean, applies, and gives the intended schema', async () => {
  const options = { dialect: 'mysql' as const, mysql: server };
  const result = lintSql(UNSAFE, options);
  assert.ok(result.findings.some((f) => f.rule === 'require-online-ddl-clauses' && f.fix));
  const fixed = renderFixedFile(result, UNSAFE);
  assert.equal(fixed.fixed, 4);
  const again = lintSql(fixed.text, options).findings.filter((f) => f.severity !== 'info');
  assert.deepEqual(again, [], `fixed file is not clean:\n${fixed.text}`);
  if (server.flavor === 'mariadb' || server.version[0] >= 8) assert.match(fixed.text, /ALGORITHM=INSTANT/);
  assert.match(fixed.text, /ALGORITHM=INPLACE, LOCK=NONE/);
  for (const s of lintSql(fixed.text, options).parsed.statements) await conn.query(s.sql);
  const cols = await conn.query<{ COLUMN_NAME: string; IS_NULLABLE: string; COLUMN_DEFAULT: string | null }>(
    `SELECT COLUMN_NAME, IS_NULLABLE, COLUMN_DEFAULT FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users' ORDER BY ORDINAL_POSITION`,
  );
  const nickname = cols.find((c) => c.COLUMN_NAME === 'nickname');
  assert.equal(nickname?.IS_NULLABLE, 'NO');
  assert.match(String(nickname?.COLUMN_DEFAULT), /n\/a/);
  assert.ok(cols.some((c) => c.COLUMN_NAME === 'score'));
  const idx = await conn.query<{ INDEX_NAME: string; NON_UNIQUE: number; COLUMN_NAME: string }>(
    `SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users' AND INDEX_NAME <> 'PRIMARY' ORDER BY INDEX_NAME`,
  );
  assert.deepEqual(
    idx.map((i) => [i.INDEX_NAME, Number(i.NON_UNIQUE), i.COLUMN_NAME]),
    [
      ['users_created_at_idx', 1, 'created_at'],
      ['users_email_idx', 1, 'email'],
      ['users_handle_key', 0, 'handle'],
    ],
  );
  const [count] = await conn.query<{ n: number }>("SELECT COUNT(*) AS n FROM users WHERE nickname = 'n/a'");
  assert.equal(Number(count!.n), 200, 'existing rows carry the default');
});
