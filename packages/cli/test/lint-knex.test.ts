/**
 * `ballast lint --knex` on the example app: migrations that call Ballast helpers are linted as the
 * steps those helpers plan (captured on the harness's PostgreSQL), and the published CLI never
 * reaches for the dev-only @ballast/testkit.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import { captureKnexSql } from '../src/knex-capture.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'packages/cli/src/bin.ts');
const migrations = join(root, 'examples/knex-app/migrations');

function ballast(env: NodeJS.ProcessEnv, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--conditions=ballast-source', '--import', 'tsx', bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    env,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('examples/knex-app lints clean with --database-url: helper calls are linted, nothing crashes', () => {
  const r = ballast(
    process.env,
    'lint',
    '--knex',
    '--format',
    'json',
    '--database-url',
    process.env.BALLAST_PG_URL!,
    migrations,
  );
  assert.equal(r.code, 0, r.stderr);
  const files = JSON.parse(r.stdout).files as { path: string; findings: { rule: string }[] }[];
  assert.equal(files.length, 5);
  assert.deepEqual(
    files.flatMap((f) => f.findings.map((x) => `${f.path}: ${x.rule}`)),
    [],
  );
});

test('without --database-url, BALLAST_LINT_DATABASE_URL or DATABASE_URL: exit 2 saying what to pass, no @ballast/testkit', () => {
  const { DATABASE_URL: _ignored, BALLAST_LINT_DATABASE_URL: _alsoIgnored, ...env } = process.env;
  const r = ballast(env, 'lint', '--knex', migrations);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /needs a PostgreSQL server .*\n {2}→ pass --database-url postgres:\/\/… or set BALLAST_LINT_DATABASE_URL or DATABASE_URL/,
  );
  assert.doesNotMatch(r.stderr, /testkit|\n\s+at /);
  const fromEnv = ballast(
    { ...env, DATABASE_URL: process.env.BALLAST_PG_URL! },
    'lint',
    '--knex',
    '--format',
    'json',
    migrations,
  );
  assert.equal(fromEnv.code, 0, fromEnv.stderr);
});

test('the steps a Ballast helper plans are what is linted, each in the runner transaction it runs in', async () => {
  const file = join(migrations, '20240201000000_users_full_name.ts');
  const captured = (await captureKnexSql([file], process.env.BALLAST_PG_URL))
    .get(file)!
    .sql.split(/;\n\n/)
    .map((s) => s.trim().replace(/;$/, ''));
  const steps = captured.filter((s) => /^alter table/i.test(s));
  assert.deepEqual(steps, [
    'ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "full_name" text',
    'ALTER TABLE "users" ADD CONSTRAINT "users_full_name_not_null" CHECK ("full_name" IS NOT NULL) NOT VALID',
    'ALTER TABLE "users" VALIDATE CONSTRAINT "users_full_name_not_null"',
    'ALTER TABLE "users" ALTER COLUMN "full_name" SET NOT NULL',
    'ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_full_name_not_null"',
  ]);
  // Each step sits in the runner's own transaction with its lock_timeout; its bookkeeping is not linted.
  assert.equal(captured.filter((s) => s === 'BEGIN').length, steps.length);
  assert.ok(
    captured.every((s) => !/ballast_|pg_catalog|set_config/i.test(s)),
    captured.join('\n'),
  );
});
