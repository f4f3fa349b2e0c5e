/**
 * Verdicts that need what a single migration file does not say: the columns' types before it runs
 * (`ballast lint --schema`, the `knownColumns` option), and the MySQL/MariaDB CHECK facts.
 */
import assert from 'node:assert/strict';
import { lintSql, loadPgParser, parseMysqlVersion, readSchema } from '@ballast/core/lint';
import { beforeAll, test } from 'vitest';

beforeAll(() => loadPgParser());

const mysqlRules = (sql: string, version: string, schema?: string) => {
  const mysql = parseMysqlVersion(version);
  const knownColumns = schema === undefined ? undefined : readSchema(schema, { dialect: 'mysql', mysql });
  return lintSql(`SET SESSION lock_wait_timeout = 5;\n${sql}`, { dialect: 'mysql', mysql, knownColumns })
    .findings.filter((f) => f.rule !== 'require-online-ddl-clauses')
    .map((f) => f.rule);
};

const MY_SCHEMA = 'CREATE TABLE users (id INT PRIMARY KEY, n INT, email VARCHAR(100), big BIGINT UNSIGNED);';

test('MySQL MODIFY that only adds NOT NULL to a known column is the online set-not-null, not a type change', () => {
  const sql = 'ALTER TABLE users MODIFY COLUMN n INT NOT NULL;';
  // Without the old type it may be a type change: flagged, as before.
  assert.deepEqual(mysqlRules(sql, '8.0.36'), ['ban-type-change-that-rewrites-table']);
  for (const version of ['8.0.36', 'mariadb-10.11'])
    assert.deepEqual(mysqlRules(sql, version, MY_SCHEMA), []);
  // A real type change stays one, with the schema too.
  assert.deepEqual(mysqlRules('ALTER TABLE users MODIFY COLUMN n BIGINT NOT NULL;', '8.0.36', MY_SCHEMA), [
    'ban-type-change-that-rewrites-table',
  ]);
  assert.deepEqual(mysqlRules('ALTER TABLE users MODIFY COLUMN big BIGINT;', '8.0.36', MY_SCHEMA), [
    'ban-type-change-that-rewrites-table',
  ]);
  assert.deepEqual(
    mysqlRules('ALTER TABLE users CHANGE COLUMN n n INT NOT NULL;', 'mariadb-10.11', MY_SCHEMA),
    [],
  );
});

test('MySQL ADD CHECK copies the table where CHECK is enforced (8.0.16+, MariaDB), and is ignored before', () => {
  const sql = 'ALTER TABLE users ADD CONSTRAINT users_n_pos CHECK (n >= 0);';
  for (const version of ['8.0.16', '8.0.36', 'mysql-8.4', 'mariadb-10.6', 'mariadb-11.4'])
    assert.deepEqual(mysqlRules(sql, version), ['require-online-alter-algorithm'], version);
  assert.deepEqual(mysqlRules(sql, '8.0.15'), []);
  assert.deepEqual(mysqlRules(`CREATE TABLE t (n INT);\n${sql.replace('users', 't')}`, '8.0.36'), []);
});

test('PostgreSQL text → varchar(n) rewrites the table: flagged when the schema says the column is text', () => {
  const schema = readSchema(
    'create table users (id bigint primary key, email text, name varchar(50), s varchar);',
    {},
  );
  const pg = (sql: string, withSchema = true) =>
    lintSql(`SET lock_timeout = '1s';\n${sql}`, withSchema ? { knownColumns: schema } : {})
      .findings.filter((f) => !/^prefer-/.test(f.rule))
      .map((f) => f.rule);
  const flagged = ['ban-type-change-that-rewrites-table'];
  assert.deepEqual(pg('ALTER TABLE users ALTER COLUMN email TYPE varchar(20);'), flagged);
  // Without the schema a varchar target is taken as a widening (no false flag on real widenings).
  assert.deepEqual(pg('ALTER TABLE users ALTER COLUMN email TYPE varchar(20);', false), []);
  assert.deepEqual(pg('ALTER TABLE users ALTER COLUMN name TYPE varchar(100);'), []);
  assert.deepEqual(pg('ALTER TABLE users ALTER COLUMN name TYPE varchar(20);'), flagged);
  assert.deepEqual(pg('ALTER TABLE users ALTER COLUMN s TYPE varchar(20);'), flagged);
  assert.deepEqual(pg('ALTER TABLE users ALTER COLUMN name TYPE text;'), []);
  assert.deepEqual(pg('ALTER TABLE public.users ALTER COLUMN email TYPE varchar(20);'), flagged);
});
