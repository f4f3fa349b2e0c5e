/**
 * `ballast lint` end to end, as a process: exit codes, formats, Prisma folders, --fix writing
 * files, Knex migrations captured on the harness's PostgreSQL.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'packages/cli/src/bin.ts');

function ballast(...args: string[]) {
  const r = spawnSync(process.execPath, ['--conditions=ballast-source', '--import', 'tsx', bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: process.env,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'ballast-lint-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
};

test('exit 1 with an error finding, 0 when clean, 2 on usage errors', () => {
  const bad = write('bad.sql', 'CREATE INDEX i ON t (a);\n');
  const good = write('good.sql', 'CREATE INDEX CONCURRENTLY i ON t (a);\n');
  assert.equal(ballast('lint', bad).code, 1);
  assert.equal(ballast('lint', good).code, 0);
  const usage = ballast('lint', '--format', 'xml', good);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--format xml: use one of text, json, sarif, github/);
  assert.equal(ballast('lint', join(dir, 'missing.sql')).code, 2);
  const version = ballast('lint', '--pg-version', 'latest', good);
  assert.equal(version.code, 2);
  assert.match(
    version.stderr,
    /--pg-version "latest": use a PostgreSQL major version, 9 to 30 \(e\.g\. 15\)\n/,
  );
});

test('--format json lists every file with findings at their lines', () => {
  const bad = write('two.sql', "SET lock_timeout = '1s';\nALTER TABLE users DROP COLUMN c;\n");
  const r = ballast('lint', '--format', 'json', bad);
  const json = JSON.parse(r.stdout);
  assert.deepEqual(
    json.files[0].findings.map((f: { rule: string; line: number }) => [f.rule, f.line]),
    [['ban-dropping-column', 2]],
  );
  assert.equal(json.files[0].path, bad);
});

test('--mysql-version with a flavor selects the MySQL dialect', () => {
  const f = write('my.sql', 'OPTIMIZE TABLE users;\n');
  const r = ballast('lint', '--format', 'json', '--mysql-version', 'mariadb-10.11', f);
  assert.equal(JSON.parse(r.stdout).files[0].findings[0].rule, 'ban-optimize-table');
});

test('Prisma migration folders: in a transaction when several statements; --fix moves steps to migrations of their own', () => {
  const migrations = join(dir, 'prisma/migrations');
  const one = write(
    'prisma/migrations/20240101000000_idx/migration.sql',
    'CREATE INDEX CONCURRENTLY a ON t (x);\n',
  );
  const two = write(
    'prisma/migrations/20240102000000_more/migration.sql',
    'ALTER TABLE "users" ADD COLUMN "bio" TEXT;\nCREATE INDEX "users_bio_idx" ON "users"("bio");\n',
  );
  const r = ballast('lint', '--format', 'json', migrations);
  const byPath = Object.fromEntries(
    JSON.parse(r.stdout).files.map((f: { path: string; findings: { rule: string }[] }) => [
      f.path,
      f.findings,
    ]),
  );
  assert.deepEqual(byPath[one], []);
  assert.ok(byPath[two].some((f: { rule: string }) => f.rule === 'require-concurrent-index-creation'));
  const fixed = ballast('lint', '--fix', '--format', 'json', migrations);
  assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
  const dirs = readdirSync(migrations).sort();
  assert.deepEqual(dirs, ['20240101000000_idx', '20240102000000_more', '20240102000000_more_ballast_01']);
  const moved = readFileSync(join(migrations, '20240102000000_more_ballast_01/migration.sql'), 'utf8');
  assert.match(moved, /^CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_bio_idx" ON "users" \("bio"\);/);
  assert.equal(ballast('lint', migrations).code, 0, 'everything lints clean after --fix');
});

test('--fix says which findings it fixed and what it wrote', () => {
  const f = write('fix-summary/users.sql', 'CREATE INDEX users_email_idx ON users (email);\n');
  const r = ballast('lint', '--fix', f);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(
    r.stderr,
    [
      'ballast lint --fix: fixed 2 findings:',
      `  ${f}:1:1 require-concurrent-index-creation`,
      `  ${f}:1:1 require-lock-timeout`,
      `ballast lint --fix: wrote ${f} (2 statements)`,
      '',
    ].join('\n'),
  );
  assert.match(readFileSync(f, 'utf8'), /^SET lock_timeout = '\d+ms';\nCREATE INDEX CONCURRENTLY/);
  // A lone lock_timeout warning does not rewrite a file (applied migrations keep their checksum).
  const lockOnly = write('fix-summary/lock-only.sql', 'ALTER TABLE users ADD COLUMN bio text;\n');
  const l = ballast('lint', '--fix', lockOnly);
  assert.equal(l.stderr, '');
  assert.equal(readFileSync(lockOnly, 'utf8'), 'ALTER TABLE users ADD COLUMN bio text;\n');
});

test('a folder walk that meets Knex files without --knex says how to lint them', () => {
  const knexDir = join(dir, 'knex-only');
  write('knex-only/20240101_users.ts', 'export async function up() {}\n');
  write('knex-only/20240102_orders.js', 'export async function up() {}\n');
  write('knex-only/types.d.ts', 'export {};\n');
  const r = ballast('lint', knexDir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /^ballast lint: skipped 2 Knex migration files \(.*20240101_users\.ts, .*20240102_orders\.js\): .*\n {2}ballast lint --knex .*knex-only/,
  );
  assert.match(r.stdout, /0 files checked/);
});

test('Prisma migrations are linted in the dialect their migration_lock.toml names', () => {
  const migrations = join(dir, 'prisma-mysql/migrations');
  write('prisma-mysql/migrations/migration_lock.toml', 'provider = "mysql"\n');
  write('prisma-mysql/migrations/20240101000000_opt/migration.sql', 'OPTIMIZE TABLE `users`;\n');
  const r = ballast('lint', '--format', 'json', migrations);
  const rules = JSON.parse(r.stdout).files[0].findings.map((f: { rule: string }) => f.rule);
  assert.deepEqual(rules, ['ban-optimize-table']);
});

// Needs the harness's PostgreSQL (BALLAST_PG_URL), which test/global-setup.ts always provides.
test('Knex migrations are run on a throwaway PostgreSQL database and their SQL linted', () => {
  write(
    'knex/20240101_users.mjs',
    `export async function up(knex) {
  await knex.schema.createTable('users', (t) => { t.bigIncrements('id'); t.text('email'); });
  await knex.schema.alterTable('users', (t) => { t.index(['email']); });
}
export async function down() {}
`,
  );
  const second = write(
    'knex/20240102_orders.mjs',
    `export async function up(knex) {
  await knex.schema.alterTable('users', (t) => { t.index(['email'], 'users_email_again'); });
}
export async function down() {}
`,
  );
  const r = ballast(
    'lint',
    '--knex',
    '--format',
    'json',
    '--database-url',
    process.env.BALLAST_PG_URL!,
    join(dir, 'knex'),
  );
  const files = JSON.parse(r.stdout).files as {
    path: string;
    findings: { rule: string; message: string }[];
  }[];
  const first = files.find((f) => f.path.endsWith('20240101_users.mjs'))!;
  assert.deepEqual(
    first.findings.filter((f) => f.rule !== 'prefer-bigint-over-int'),
    [],
    'indexing a table created in the same migration is fine',
  );
  const later = files.find((f) => f.path === second)!;
  const finding = later.findings.find((f) => f.rule === 'require-concurrent-index-creation');
  assert.ok(finding, JSON.stringify(later));
  assert.match(finding.message, /users_email_again.*statement 1 emitted by up\(\)/);
  assert.equal(r.code, 1);
});

test('--knex on a file that is no migration: exit 2 with what to do, no stack trace', () => {
  const notMigration = write('knex-bad/20240101_helper.mjs', 'export const x = 1;\n');
  const r = ballast('lint', '--knex', '--database-url', process.env.BALLAST_PG_URL!, notMigration);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /^ballast lint: .*20240101_helper\.mjs: no up\(knex\) export, so it is not a Knex migration\n {2}→ lint Knex migration files/,
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('--schema judges a type change against the column the schema declares', () => {
  const schema = write('schema/schema.sql', 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n');
  const change = write(
    'schema/change.sql',
    "SET lock_timeout = '1s';\nALTER TABLE users ALTER COLUMN email TYPE varchar(20);\n",
  );
  assert.equal(ballast('lint', change).code, 0);
  const linted = ballast('lint', '--schema', schema, change);
  assert.equal(linted.code, 1, linted.stderr);
  assert.match(linted.stdout, /ban-type-change-that-rewrites-table/);
  const missing = ballast('lint', '--schema', join(dir, 'nope.sql'), change);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--schema .*nope\.sql: no such file/);
});
