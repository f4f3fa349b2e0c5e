/** Version and setting awareness, and safe patterns that must not be flagged as the unsafe form. */
import assert from 'node:assert/strict';
import { loadPgParser } from '@ballast/core';
import { lintSql, loadLintFixes } from '@ballast/core/lint';
import { beforeAll, test } from 'vitest';

// Fix text and plans come with the fix planner, which the lint entry point loads on request.
beforeAll(() => loadLintFixes());

beforeAll(() => loadPgParser());

const rules = (sql: string, opts = {}) =>
  lintSql(`SET lock_timeout = '1s';\n${sql}`, opts)
    .findings.filter((f) => !/^prefer-/.test(f.rule))
    .map((f) => `${f.line - 1} ${f.rule}`);

test('REINDEX CONCURRENTLY fails before PostgreSQL 12 and is flagged there', () => {
  const sql = 'REINDEX INDEX CONCURRENTLY users_email_idx;';
  assert.deepEqual(rules(sql, { pgVersion: 11 }), ['1 require-concurrent-reindex']);
  assert.match(lintSql(sql, { pgVersion: 11 }).findings[0]!.message, /fails on PostgreSQL 11/);
  assert.deepEqual(rules(sql, { pgVersion: 12 }), []);
});

test('timestamp → timestamptz: catalog only from PG 12 with TimeZone UTC set in the file, and only then', () => {
  const change = 'ALTER TABLE ev ALTER COLUMN at TYPE timestamptz;';
  assert.deepEqual(rules(`SET TIME ZONE 'UTC';\n${change}`, { pgVersion: 12 }), []);
  assert.deepEqual(rules(`SET timezone = 'Etc/UTC';\n${change}`, { pgVersion: 15 }), []);
  const flagged = ['2 ban-type-change-that-rewrites-table'];
  assert.deepEqual(rules(`SET TIME ZONE 'UTC';\n${change}`, { pgVersion: 11 }), flagged);
  assert.deepEqual(rules(`SET TIME ZONE 'Europe/Paris';\n${change}`, { pgVersion: 15 }), flagged);
  assert.deepEqual(rules(`SET TIME ZONE 'UTC';\nRESET timezone;\n${change}`, { pgVersion: 15 }), [
    '3 ban-type-change-that-rewrites-table',
  ]);
  assert.deepEqual(
    rules(`SET TIME ZONE 'UTC';\nALTER TABLE ev ALTER COLUMN at TYPE timestamptz USING at + interval '1h';`, {
      pgVersion: 15,
    }),
    flagged,
  );
});

test('generated columns: virtual (PG 18 default kind) is catalog only, stored rewrites', () => {
  const virtual = 'ALTER TABLE t ADD COLUMN g bigint GENERATED ALWAYS AS (a * 2);';
  assert.deepEqual(rules(virtual, { pgVersion: 18 }), []);
  assert.deepEqual(rules(virtual, { pgVersion: 17 }), ['1 ban-adding-column-that-rewrites-table']);
  assert.deepEqual(
    rules('ALTER TABLE t ADD COLUMN g bigint GENERATED ALWAYS AS (a * 2) STORED;', { pgVersion: 18 }),
    ['1 ban-adding-column-that-rewrites-table'],
  );
});

test('VACUUM options mean what they say', () => {
  assert.deepEqual(rules('VACUUM (FULL false) t;'), []);
  assert.deepEqual(rules('VACUUM (FULL off, ANALYZE) t;'), []);
  assert.deepEqual(rules('VACUUM (FULL) t;'), ['1 ban-vacuum-full']);
  assert.deepEqual(rules('VACUUM (FULL true) t;'), ['1 ban-vacuum-full']);
  assert.deepEqual(rules('VACUUM FULL t;'), ['1 ban-vacuum-full']);
});

test('a table rename with a view of the old name in the same transaction is the safe pattern', () => {
  const pattern = 'ALTER TABLE users RENAME TO customers;\nCREATE VIEW users AS SELECT * FROM customers;';
  assert.deepEqual(rules(`BEGIN;\n${pattern}\nCOMMIT;`), []);
  assert.deepEqual(rules(pattern, { assumeInTransaction: true }), []);
  assert.deepEqual(rules(pattern, { transaction: 'implicit' }), []);
  // Autocommit: between the two statements running code fails; a view of another table is no cover.
  assert.deepEqual(rules(pattern), ['1 ban-renaming-table']);
  assert.deepEqual(
    rules(
      `BEGIN;\nALTER TABLE users RENAME TO customers;\nCREATE VIEW users AS SELECT * FROM other;\nCOMMIT;`,
    ),
    ['2 ban-renaming-table'],
  );
  assert.deepEqual(
    rules(
      `BEGIN;\nALTER TABLE users RENAME TO customers;\nCOMMIT;\nBEGIN;\nCREATE VIEW users AS SELECT * FROM customers;\nCOMMIT;`,
    ),
    ['2 ban-renaming-table'],
  );
});
