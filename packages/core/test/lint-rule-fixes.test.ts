/**
 * Every rule that declares a fix (`fix: 'planned' | 'text'`) has a case here, per dialect it
 * checks, where `--fix` produces that fix and the rewritten SQL lints clean. A rule that declares
 * a fix and has no case fails the first test: the declaration is a promise this file checks.
 */
import assert from 'node:assert/strict';
import {
  type LintDialect,
  lintSql,
  loadLintFixes,
  loadPgParser,
  RULES,
  renderFixedFile,
} from '@ballast/core/lint';
import { beforeAll, describe, test } from 'vitest';

// Fix text and plans come with the fix planner, which the lint entry point loads on request.
beforeAll(() => loadLintFixes());

interface Case {
  readonly rule: string;
  readonly dialect: LintDialect;
  readonly sql: string;
}

const CASES: readonly Case[] = [
  {
    rule: 'require-constant-default-for-new-column',
    dialect: 'postgres',
    sql: 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid() NOT NULL;',
  },
  {
    rule: 'require-check-constraint-before-set-not-null',
    dialect: 'postgres',
    sql: 'ALTER TABLE users ALTER COLUMN name SET NOT NULL;',
  },
  {
    rule: 'require-concurrent-index-creation',
    dialect: 'postgres',
    sql: 'CREATE INDEX users_email_idx ON users (email);',
  },
  {
    rule: 'ban-concurrent-index-in-transaction',
    dialect: 'postgres',
    sql: 'BEGIN;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nCOMMIT;',
  },
  { rule: 'require-concurrent-index-deletion', dialect: 'postgres', sql: 'DROP INDEX users_email_idx;' },
  {
    rule: 'require-not-valid-foreign-key',
    dialect: 'postgres',
    sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
  },
  {
    rule: 'require-not-valid-check-constraint',
    dialect: 'postgres',
    sql: 'ALTER TABLE orders ADD CONSTRAINT amount_positive CHECK (amount > 0);',
  },
  {
    rule: 'require-existing-index-for-unique-constraint',
    dialect: 'postgres',
    sql: 'ALTER TABLE users ADD CONSTRAINT users_handle_key UNIQUE (handle);',
  },
  {
    rule: 'require-existing-index-for-primary-key',
    dialect: 'postgres',
    sql: 'ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);',
  },
  { rule: 'require-online-ddl-clauses', dialect: 'mysql', sql: 'ALTER TABLE users ADD COLUMN bio text;' },
  { rule: 'require-lock-timeout', dialect: 'postgres', sql: 'ALTER TABLE users ADD COLUMN bio text;' },
  {
    rule: 'require-lock-timeout',
    dialect: 'mysql',
    sql: 'ALTER TABLE users ADD COLUMN bio text, ALGORITHM=INSTANT, LOCK=NONE;',
  },
];

beforeAll(() => loadPgParser());

const blocking = (sql: string, dialect: LintDialect) =>
  lintSql(sql, { dialect }).findings.filter((f) => f.severity !== 'info');

test('every rule declares its fix, and every declared fix has a case per dialect the rule checks', () => {
  for (const rule of RULES) assert.ok(['planned', 'text', 'none'].includes(rule.fix), rule.id);
  const missing = RULES.filter((r) => r.fix !== 'none').flatMap((r) =>
    r.dialects
      .filter((d) => !CASES.some((c) => c.rule === r.id && c.dialect === d))
      .map((d) => `${r.id} (${d})`),
  );
  assert.deepEqual(missing, []);
  const undeclared = CASES.filter((c) => RULES.find((r) => r.id === c.rule)?.fix === 'none');
  assert.deepEqual(undeclared, [], 'a case for a rule that declares no fix');
});

describe('each declared fix is produced and lints clean', () => {
  for (const c of CASES)
    test(`${c.rule} (${c.dialect})`, () => {
      const result = lintSql(c.sql, { dialect: c.dialect });
      assert.ok(
        result.findings.some((f) => f.rule === c.rule),
        `the case must trigger ${c.rule}: ${JSON.stringify(result.findings.map((f) => f.rule))}`,
      );
      const fixed = renderFixedFile(result, c.sql);
      assert.ok(
        fixed.resolved.some((f) => f.rule === c.rule),
        `--fix resolves ${c.rule}: resolved ${JSON.stringify(fixed.resolved.map((f) => f.rule))}`,
      );
      assert.notEqual(fixed.text, c.sql);
      assert.deepEqual(
        blocking(fixed.text, c.dialect).map((f) => `${f.line} ${f.rule}: ${f.message}`),
        [],
        `fixed SQL:\n${fixed.text}`,
      );
    });
});
