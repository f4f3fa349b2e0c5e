/**
 * `--fix` output is real: on the harness's PostgreSQL a pre-state is created, the unsafe
 * migration is rewritten by the linter (plans from core/ops), the rewrite lints clean, applies
 * (statement by statement like `psql -f`, or as Prisma sends it), and the schema is what the
 * original migration meant.
 */
import assert from 'node:assert/strict';
import { type LintOptions, lintSql, loadLintFixes, loadPgParser, renderFixedFile } from '@ballast/core/lint';
import { pgTestDatabase, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, test } from 'vitest';

// Fix text and plans come with the fix planner, which the lint entry point loads on request.
beforeAll(() => loadLintFixes());

const PRE_STATE = `
CREATE TABLE users (id bigserial PRIMARY KEY, email text, name text, handle text, legacy int);
INSERT INTO users (email, name, handle) SELECT 'u' || g || '@x', 'n' || g, 'h' || g FROM generate_series(1, 2500) g;
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint, amount numeric);
INSERT INTO orders (user_id, amount) SELECT (g % 2500) + 1, g FROM generate_series(1, 3000) g;
CREATE INDEX orders_amount_old ON orders (amount);
`;

const UNSAFE = `-- a migration as people write it
CREATE INDEX users_email_idx ON users (email) WHERE email IS NOT NULL;
ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid() NOT NULL;
ALTER TABLE users ALTER COLUMN name SET NOT NULL;
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE orders ADD CONSTRAINT amount_positive CHECK (amount > 0);
ALTER TABLE users ADD CONSTRAINT users_handle_key UNIQUE (handle);
DROP INDEX orders_amount_old;
ALTER TABLE users ADD COLUMN status text NOT NULL DEFAULT 'active';
BEGIN;
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
COMMIT;
`;

let db: TestDatabase;
let conn: SqlConnection;
let pgVersion = 15;

beforeAll(async () => {
  await loadPgParser();
  db = await pgTestDatabase('lint_fix');
  conn = await db.connect();
  const [row] = await conn.query<{ v: string }>(`select current_setting('server_version_num') as v`);
  pgVersion = Math.floor(Number(row!.v) / 10000);
});
afterAll(async () => {
  await conn?.close();
  await db?.drop();
});

async function reset() {
  await conn.query('DROP TABLE IF EXISTS orders, users CASCADE');
  await conn.query(PRE_STATE);
}

/** Like `psql -f`: each statement on its own, autocommit. */
async function applyStatements(sql: string, options: Partial<LintOptions>) {
  for (const s of lintSql(sql, options).parsed.statements) await conn.query(s.sql);
}

async function assertIntendedSchema() {
  const idx = await conn.query<{ valid: boolean; pred: string | null }>(
    `select i.indisvalid as valid, pg_get_expr(i.indpred, i.indrelid) as pred
       from pg_index i where i.indexrelid = 'users_email_idx'::regclass`,
  );
  assert.equal(idx[0]?.valid, true, 'users_email_idx is valid');
  assert.match(idx[0]?.pred ?? '', /email IS NOT NULL/, 'users_email_idx is partial');
  const cols = await conn.query<{ column_name: string; is_nullable: string }>(
    `select column_name, is_nullable from information_schema.columns where table_name = 'users' order by column_name`,
  );
  const nullable = Object.fromEntries(cols.map((c) => [c.column_name, c.is_nullable]));
  assert.equal(nullable.token, 'NO');
  assert.equal(nullable.name, 'NO');
  assert.equal(nullable.status, 'NO');
  const [tokens] = await conn.query<{ n: string; distinct: string }>(
    'select count(*) as n, count(distinct token) as distinct from users where token is not null',
  );
  assert.equal(Number(tokens!.n), 2500, 'every existing row got a token (backfill ran)');
  assert.equal(Number(tokens!.distinct), 2500, 'a volatile default per row, not one value for all');
  const cons = await conn.query<{
    conname: string;
    contype: string;
    convalidated: boolean;
    confdeltype: string;
  }>(
    `select conname, contype, convalidated, confdeltype from pg_constraint
      where conrelid in ('users'::regclass, 'orders'::regclass)
        and contype <> 'n' -- PostgreSQL 18 catalogs NOT NULL as constraints; nullability is checked above
      order by conname`,
  );
  const byName = Object.fromEntries(cons.map((c) => [c.conname, c]));
  assert.deepEqual(
    Object.keys(byName).filter((n) => !n.endsWith('_pkey')),
    ['amount_positive', 'orders_user_fk', 'users_email_key', 'users_handle_key'],
    'exactly the intended constraints (temporary NOT NULL checks dropped)',
  );
  assert.equal(byName.orders_user_fk!.convalidated, true);
  assert.equal(byName.orders_user_fk!.confdeltype, 'c', 'ON DELETE CASCADE kept');
  assert.equal(byName.amount_positive!.convalidated, true);
  assert.equal(byName.users_handle_key!.contype, 'u');
  assert.equal(byName.users_email_key!.contype, 'u');
  const [old] = await conn.query<{ r: string | null }>(`select to_regclass('orders_amount_old')::text as r`);
  assert.equal(old!.r, null, 'orders_amount_old dropped');
  await assert.rejects(conn.query('INSERT INTO orders (user_id, amount) VALUES (1, -1)'), /amount_positive/);
}

test('the unsafe migration is flagged, each fixable finding carries its planned fix', () => {
  const result = lintSql(UNSAFE, { pgVersion });
  const rules = new Set(result.findings.map((f) => f.rule));
  for (const rule of [
    'require-concurrent-index-creation',
    'require-constant-default-for-new-column',
    'require-check-constraint-before-set-not-null',
    'require-not-valid-foreign-key',
    'require-not-valid-check-constraint',
    'require-existing-index-for-unique-constraint',
    'require-concurrent-index-deletion',
  ]) {
    assert.ok(rules.has(rule), `${rule} reported`);
    assert.ok(result.findings.find((f) => f.rule === rule)?.fix, `${rule} has a fix`);
  }
});

test('--fix output lints clean and applies statement by statement (psql -f) on PostgreSQL', async () => {
  await reset();
  const result = lintSql(UNSAFE, { pgVersion });
  const fixed = renderFixedFile(result, UNSAFE);
  assert.deepEqual(fixed.outside, []);
  const again = lintSql(fixed.text, { pgVersion }).findings.filter((f) => f.severity !== 'info');
  assert.deepEqual(again, [], `fixed file is not clean:\n${fixed.text}`);
  await applyStatements(fixed.text, { pgVersion });
  await assertIntendedSchema();
});

test('Prisma: the rewritten migration.sql applies as one query and the moved steps as migrations of their own', async () => {
  await reset();
  const options: Partial<LintOptions> = { pgVersion, transaction: 'implicit' };
  const body = UNSAFE.replace(/^(BEGIN|COMMIT);\n/gm, '');
  const result = lintSql(body, options);
  assert.ok(result.findings.some((f) => f.rule === 'require-concurrent-index-creation'));
  const fixed = renderFixedFile(result, body);
  assert.ok(fixed.outside.length > 0, 'non-transactional steps moved out');
  const clean = lintSql(fixed.text, options).findings.filter((f) => f.severity !== 'info');
  assert.deepEqual(clean, [], `fixed migration.sql is not clean:\n${fixed.text}`);
  for (const sql of fixed.outside) {
    const own = lintSql(sql, options).findings.filter((f) => f.severity === 'error');
    assert.deepEqual(own, [], `moved migration is not clean:\n${sql}`);
  }
  // Prisma sends a migration.sql as one multi-statement query: one implicit transaction.
  await conn.query(fixed.text);
  for (const sql of fixed.outside) await conn.query(sql);
  await assertIntendedSchema();
});
