/** The engine's contracts: positions, suppressions, file context, parse failures, output formats. */
import assert from 'node:assert/strict';
import { formatReport, lintSql, loadLintFixes, loadPgParser, renderFixedFile } from '@ballast/core/lint';
import { beforeAll, test } from 'vitest';

// Fix text and plans come with the fix planner, which the lint entry point loads on request.
beforeAll(() => loadLintFixes());

beforeAll(() => loadPgParser());

const rulesAt = (sql: string, opts = {}) =>
  lintSql(sql, opts).findings.map((f) => `${f.line}:${f.column} ${f.rule}`);

test('findings point at the first token of the statement (1-based), after comments and multi-byte text', () => {
  const sql = "-- héllo wörld\nSELECT 'é';  /* ü */ CREATE INDEX i ON t (a);\n\n  DROP INDEX j;";
  assert.deepEqual(
    rulesAt(sql).filter((r) => !r.includes('lock-timeout')),
    ['2:22 require-concurrent-index-creation', '4:3 require-concurrent-index-deletion'],
  );
});

test('unparseable SQL is an error at its own line; the other statements are still checked', () => {
  const sql = 'CREATE INDEX a ON t (x);\nALTER TABLE users ADD COLUMN;\nDROP INDEX b;';
  const found = rulesAt(sql).filter((r) => !r.includes('lock-timeout'));
  assert.deepEqual(found, [
    '1:1 require-concurrent-index-creation',
    '2:29 unparseable-sql',
    '3:1 require-concurrent-index-deletion',
  ]);
  const mysql = lintSql('ALTER TABLE t ADD COLUMN x INT, ALGORITHM=INSTANT;\nALTER TABLE FROM;', {
    dialect: 'mysql',
  });
  assert.deepEqual(
    mysql.findings.filter((f) => f.rule === 'unparseable-sql').map((f) => f.line),
    [2],
  );
});

test('suppressions need a reason; with one they silence only the named rule', () => {
  const withReason = '-- ballast:ignore ban-dropping-column unused since v41\nALTER TABLE u DROP COLUMN c;';
  assert.deepEqual(
    rulesAt(withReason).filter((r) => !r.includes('lock-timeout')),
    [],
  );
  const without = '-- ballast:ignore ban-dropping-column\nALTER TABLE u DROP COLUMN c;';
  assert.deepEqual(
    rulesAt(without).filter((r) => !r.includes('lock-timeout')),
    ['1:1 require-reason-for-ignore', '2:1 ban-dropping-column'],
  );
  const other = '-- ballast:ignore ban-renaming-column not this one\nALTER TABLE u DROP COLUMN c;';
  assert.ok(rulesAt(other).includes('2:1 ban-dropping-column'));
});

test('objects created earlier in the file are exempt; existing ones are not', () => {
  const sql = `CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint);
CREATE INDEX posts_author ON posts (author_id);
ALTER TABLE posts ADD CONSTRAINT fk FOREIGN KEY (author_id) REFERENCES users (id);
CREATE INDEX users_x ON users (x);`;
  assert.deepEqual(rulesAt(sql), ['4:1 require-concurrent-index-creation', '4:1 require-lock-timeout']);
});

test('transaction context: explicit BEGIN, --assume-in-transaction, Prisma implicit transactions', () => {
  const concurrent = 'CREATE INDEX CONCURRENTLY i ON t (a);';
  assert.deepEqual(rulesAt(concurrent), []);
  assert.deepEqual(rulesAt(`BEGIN;\n${concurrent}\nCOMMIT;`), ['2:1 ban-concurrent-index-in-transaction']);
  assert.deepEqual(rulesAt(concurrent, { assumeInTransaction: true }), [
    '1:1 ban-concurrent-index-in-transaction',
  ]);
  // Prisma sends migration.sql as one query: one statement runs alone, several share a transaction.
  assert.deepEqual(rulesAt(concurrent, { transaction: 'implicit' }), []);
  assert.deepEqual(rulesAt(`SELECT 1;\n${concurrent}`, { transaction: 'implicit' }), [
    '2:1 ban-concurrent-index-in-transaction',
  ]);
});

test('version-aware rules: enum values before PG 12, any default before PG 11, NOT NULL via CHECK from 12', () => {
  const add = "ALTER TYPE mood ADD VALUE 'ok';";
  assert.deepEqual(rulesAt(add, { pgVersion: 11, assumeInTransaction: true }), [
    '1:1 ban-enum-value-addition-in-transaction',
  ]);
  assert.deepEqual(rulesAt(add, { pgVersion: 12, assumeInTransaction: true }), []);
  const def = "SET lock_timeout = '1s';\nALTER TABLE u ADD COLUMN s text DEFAULT 'x';";
  assert.deepEqual(rulesAt(def, { pgVersion: 10 }), ['2:1 require-constant-default-for-new-column']);
  assert.deepEqual(rulesAt(def, { pgVersion: 11 }), []);
});

test('messages use the user names and carry a complete alternative', () => {
  const [f] = lintSql('CREATE INDEX "Orders by day" ON billing.orders (created_at);').findings;
  assert.equal(f!.rule, 'require-concurrent-index-creation');
  assert.equal(
    f!.message,
    'Creating index "Orders by day" on billing.orders without CONCURRENTLY blocks all writes to billing.orders for the whole build.',
  );
  assert.match(f!.help, /CREATE INDEX CONCURRENTLY "Orders by day" ON billing\.orders \(created_at\);/);
});

test('JSON output keeps its contract', () => {
  const files = [
    { path: 'm.sql', findings: lintSql('ALTER TABLE u DROP COLUMN c;\nDROP INDEX i;').findings },
  ];
  const json = JSON.parse(formatReport('json', files));
  assert.deepEqual(Object.keys(json), ['files']);
  assert.deepEqual(Object.keys(json.files[0]), ['path', 'findings']);
  for (const f of json.files[0].findings) {
    assert.deepEqual(
      Object.keys(f).filter((k) => k !== 'fix'),
      ['rule', 'severity', 'line', 'column', 'message'],
    );
    assert.ok(['error', 'warning', 'info'].includes(f.severity));
    assert.equal(typeof f.line, 'number');
  }
  const drop = json.files[0].findings.find(
    (f: { rule: string }) => f.rule === 'require-concurrent-index-deletion',
  );
  assert.deepEqual(drop, {
    rule: 'require-concurrent-index-deletion',
    severity: 'error',
    line: 2,
    column: 1,
    message: 'Dropping index i without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on its table.',
    fix: 'DROP INDEX CONCURRENTLY IF EXISTS "i";  -- outside a transaction',
  });
});

test('SARIF and GitHub formats carry rule, level and position', () => {
  const files = [{ path: 'dir/m,1.sql', findings: lintSql('DROP INDEX i;').findings }];
  const sarif = JSON.parse(formatReport('sarif', files));
  assert.equal(sarif.version, '2.1.0');
  const result = sarif.runs[0].results[0];
  assert.equal(result.ruleId, 'require-concurrent-index-deletion');
  assert.equal(result.level, 'error');
  assert.deepEqual(result.locations[0].physicalLocation.region, { startLine: 1, startColumn: 1 });
  assert.equal(sarif.runs[0].tool.driver.rules[result.ruleIndex].id, result.ruleId);
  const gh = formatReport('github', files);
  assert.match(
    gh,
    /^::error file=dir\/m%2C1\.sql,line=1,col=1,title=require-concurrent-index-deletion::Dropping index i/,
  );
  assert.ok(!gh.trimEnd().includes('\n'), 'one line per finding (newlines escaped)');
});

test('before PG 11 a default on a new column gets no fix (no stub), and help names only APIs that exist', () => {
  const sql =
    "SET lock_timeout = '1s';\nALTER TABLE u ADD COLUMN s text DEFAULT 'x';\nALTER TABLE u ADD COLUMN t timestamptz DEFAULT clock_timestamp();";
  const result = lintSql(sql, { pgVersion: 10 });
  const added = result.findings.filter((f) => f.rule === 'require-constant-default-for-new-column');
  assert.equal(added.length, 2);
  for (const f of added) {
    assert.equal(f.fix, undefined, 'no SQL can commit batches on PG 10: no fix is offered');
    assert.match(f.help, /b\.safeAddColumn/);
    assert.match(f.help, /runBackfill/);
  }
  assert.equal(renderFixedFile(result, sql).text, sql, 'the file is left as it was');
  // On PG 11+ the volatile default is fixed with a real batched DO block.
  const fixed = renderFixedFile(lintSql(sql, { pgVersion: 11 }), sql).text;
  assert.match(fixed, /DO \$ballast\$/);
  assert.doesNotMatch(fixed, /SELECT 1/);
});

test('help never points to a ballast command other than lint (the only one there is)', () => {
  const sql = [
    "SET lock_timeout = '1s';",
    "ALTER TABLE u ADD COLUMN s text DEFAULT 'x';",
    'ALTER TABLE u DROP COLUMN c;',
    'DROP TABLE old_things;',
    'UPDATE u SET s = 1;',
    'DELETE FROM u;',
  ].join('\n');
  const findings = lintSql(sql, { pgVersion: 10 }).findings;
  assert.ok(findings.length >= 5);
  for (const f of findings) {
    for (const text of [f.message, f.help, f.fix ?? '']) {
      assert.doesNotMatch(text, /\bballast (?!lint\b)[a-z]+/, `${f.rule}: ${text}`);
    }
  }
});

test('statement classes found on migrations written by others (bench/lint/unseen)', () => {
  const lock = "SET lock_timeout = '1s';\n";
  // ALTER DOMAIN … SET NOT NULL checks every column of the domain, as ADD CONSTRAINT does.
  assert.deepEqual(rulesAt(`${lock}ALTER DOMAIN email_address SET NOT NULL;`), [
    '2:1 require-not-valid-domain-constraint',
  ]);
  assert.deepEqual(rulesAt(`${lock}ALTER DOMAIN email_address DROP NOT NULL;`), []);
  // Alembic's offline SQL updates its bookkeeping row in every file: not a data change.
  const alembic = "UPDATE alembic_version SET version_num='b' WHERE alembic_version.version_num = 'a';";
  assert.deepEqual(rulesAt(`${lock}${alembic}`), []);
  assert.deepEqual(rulesAt(`${lock}UPDATE accounts SET tier = 'b' WHERE tier = 'a';`), [
    '2:1 require-batched-data-change',
  ]);
  // goose / sql-migrate / dbmate files: only the part above the down marker runs when migrating.
  const goose =
    '-- +goose Up\nCREATE INDEX i ON t (a);\n-- +goose Down\nDROP TABLE t;\nALTER TABLE u DROP COLUMN c;';
  assert.deepEqual(
    rulesAt(goose).filter((r) => !r.includes('lock-timeout')),
    ['2:1 require-concurrent-index-creation'],
  );
  const dbmate =
    '-- migrate:up\nALTER TABLE u ADD COLUMN c bigint;\n-- migrate:down\nALTER TABLE u DROP COLUMN c;';
  assert.deepEqual(rulesAt(`${lock}${dbmate}`), []);
  // MySQL/MariaDB accept a NOT NULL column without a default, and every INSERT that omits it fails.
  const mysql = (sql: string) =>
    lintSql(`SET SESSION lock_wait_timeout = 1;\n${sql}`, { dialect: 'mysql' })
      .findings.filter((f) => f.rule !== 'require-online-ddl-clauses')
      .map((f) => `${f.line}:${f.column} ${f.rule}`);
  assert.deepEqual(mysql('ALTER TABLE cluster_metadata ADD data BLOB NOT NULL;'), [
    '2:1 require-default-for-not-null-column',
  ]);
  for (const safe of [
    "ALTER TABLE cluster_metadata ADD data_encoding VARCHAR(16) NOT NULL DEFAULT 'Proto3';",
    'ALTER TABLE cluster_metadata ADD note TEXT NULL;',
    'CREATE TABLE t (id INT);\nALTER TABLE t ADD c INT NOT NULL;',
  ])
    assert.deepEqual(
      mysql(safe).filter((r) => r.endsWith('require-default-for-not-null-column')),
      [],
      safe,
    );
});
