/** Every rule has a page, and every page's examples are tests: bad blocks flagged, good ones clean. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lintSql, loadLintFixes, loadPgParser, RULES } from '@ballast/core/lint';
import { docExamples, RULE_DOCS_DIR } from '@ballast/testkit';
import { beforeAll, test } from 'vitest';

// Fix text and plans come with the fix planner, which the lint entry point loads on request.
beforeAll(() => loadLintFixes());

beforeAll(() => loadPgParser());

test('every registered rule has a docs page with bad and good examples', () => {
  const examples = docExamples();
  for (const rule of RULES) {
    assert.ok(existsSync(join(RULE_DOCS_DIR, `${rule.id}.md`)), `docs/rules/${rule.id}.md is missing`);
    assert.match(rule.id, /^[a-z]+(-[a-z]+)+$/, `${rule.id} is not a kebab-case sentence`);
    assert.ok(
      examples.some((e) => e.rule === rule.id && e.kind === 'bad'),
      `${rule.id}: no bad example`,
    );
    assert.ok(
      examples.some((e) => e.rule === rule.id && e.kind === 'good'),
      `${rule.id}: no good example`,
    );
  }
  const ids = new Set(RULES.map((r) => r.id));
  for (const e of examples) assert.ok(ids.has(e.rule), `${e.where}: page for an unknown rule`);
});

test('bad examples are flagged by their rule at the line of the offending statement', () => {
  const bad = docExamples().filter((e) => e.kind === 'bad');
  assert.ok(bad.length >= 45, `only ${bad.length} bad examples`);
  for (const e of bad) {
    const findings = lintSql(e.sql, e.options).findings.filter((f) => f.rule === e.rule);
    assert.ok(findings.length > 0, `${e.where}: ${e.rule} not reported for:\n${e.sql}`);
    assert.equal(findings[0]!.line, e.lastStatementLine, `${e.where}: reported at the wrong line`);
    assert.equal(findings[0]!.column, e.column, `${e.where}: reported at the wrong column`);
  }
});

test('good examples are not flagged by their rule and have no error at all', () => {
  for (const e of docExamples().filter((x) => x.kind === 'good')) {
    const findings = lintSql(e.sql, e.options).findings;
    const own = findings.filter((f) => f.rule === e.rule);
    assert.deepEqual(own, [], `${e.where}: ${e.rule} reported on a safe recipe`);
    const errors = findings.filter((f) => f.severity === 'error');
    assert.deepEqual(
      errors,
      [],
      `${e.where}: the safe recipe has errors:\n${errors.map((f) => f.rule).join(', ')}`,
    );
  }
});
