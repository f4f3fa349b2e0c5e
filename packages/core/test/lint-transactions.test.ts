/** Transaction tracking: which statements share a transaction, by explicit BEGIN/COMMIT and by runner. */
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

const ADD = 'ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;';
const VALIDATE = 'ALTER TABLE orders VALIDATE CONSTRAINT fk;';

test('VALIDATE in the transaction of its NOT VALID add: explicit BEGIN, wrapped, Prisma implicit', () => {
  const flagged = ['2 require-validate-in-separate-transaction'];
  assert.deepEqual(rules(`${ADD}\n${VALIDATE}`), [], 'autocommit: two transactions');
  assert.deepEqual(rules(`BEGIN;\n${ADD}\n${VALIDATE}\nCOMMIT;`), [
    '3 require-validate-in-separate-transaction',
  ]);
  assert.deepEqual(rules(`${ADD}\n${VALIDATE}`, { assumeInTransaction: true }), flagged);
  assert.deepEqual(rules(`${ADD}\n${VALIDATE}`, { transaction: 'implicit' }), flagged);
  assert.deepEqual(
    rules(`BEGIN;\n${ADD}\nCOMMIT;\nBEGIN;\n${VALIDATE}\nCOMMIT;`),
    [],
    'separate transactions',
  );
  // Another constraint's VALIDATE, or a table created in the file, is not the pattern.
  assert.deepEqual(rules(`BEGIN;\n${ADD}\nALTER TABLE orders VALIDATE CONSTRAINT other;\nCOMMIT;`), []);
});

test('an explicit COMMIT in a runner-wrapped file ends the runner transaction', () => {
  const sql = `${ADD}\nCOMMIT;\n${VALIDATE}\nCREATE INDEX CONCURRENTLY orders_amount ON orders (amount);\nBEGIN;\nSELECT 1;\nCOMMIT;`;
  // Only the COMMIT that ends the tool's transaction is nested; what follows is autocommit, and
  // the later BEGIN … COMMIT is a transaction of its own.
  assert.deepEqual(rules(sql, { assumeInTransaction: true }), ['2 ban-nested-transaction']);
  // Prisma: after the COMMIT the statements start a new implicit transaction (still one query).
  assert.deepEqual(rules(`${ADD}\nCOMMIT;\n${VALIDATE}`, { transaction: 'implicit' }), [
    '2 ban-nested-transaction',
  ]);
  assert.deepEqual(
    rules('COMMIT;\nCREATE INDEX CONCURRENTLY i ON orders (amount);', { transaction: 'implicit' }),
    ['1 ban-nested-transaction', '2 ban-concurrent-index-in-transaction'],
  );
});

test("a BEGIN inside the file's own open BEGIN nests, as one inside the runner's does", () => {
  assert.deepEqual(rules('BEGIN;\nBEGIN;\nSELECT 1;\nCOMMIT;'), ['2 ban-nested-transaction']);
  assert.deepEqual(rules('BEGIN;\nSELECT 1;\nCOMMIT;\nBEGIN;\nSELECT 2;\nCOMMIT;'), []);
});

test("goose, sql-migrate and dbmate files are linted in their tool's transaction mode, opt-outs included", () => {
  const index = 'CREATE INDEX CONCURRENTLY orders_amount ON orders (amount);';
  const inTx = (header: string, opts = {}) =>
    lintSql(`${header}\n${index}\n`, opts).findings.some(
      (f) => f.rule === 'ban-concurrent-index-in-transaction',
    );
  // Each tool wraps a migration in a transaction by default: CONCURRENTLY fails there.
  assert.equal(inTx('-- +goose Up'), true);
  assert.equal(inTx('-- +migrate Up'), true);
  assert.equal(inTx('-- migrate:up'), true);
  // The file's own opt-out wins, even over --assume-in-transaction.
  assert.equal(inTx('-- +goose NO TRANSACTION\n-- +goose Up'), false);
  assert.equal(inTx('-- +goose Up\n-- +goose NO TRANSACTION', { assumeInTransaction: true }), false);
  assert.equal(inTx('-- +migrate Up notransaction'), false);
  assert.equal(inTx('-- migrate:up transaction:false'), false);
  // A plain file keeps the caller's mode.
  assert.equal(inTx('-- plain'), false);
  assert.equal(inTx('-- plain', { assumeInTransaction: true }), true);
});
