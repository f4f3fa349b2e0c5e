/**
 * translateSql: the SQL → Plan path an adapter (the Prisma wrapper) uses instead of `lint --fix`'s
 * text. Statements come back safe / planned / untranslatable; planned ones run with runPlan, whose
 * backfill step goes through the real backfill loop, and the database ends as the SQL meant.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BACKFILL_DEFAULTS, type Database, readServerInfo, runPlan, translateSql } from '@ballast/core';
import { lintSql, loadLintFixes, loadPgParser, renderFixedFile } from '@ballast/core/lint';
import { pgServers, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { columnFacts, testDatabase } from './fixtures/checksum.js';

const ROWS = 2500;

const MIGRATION = `CREATE TABLE audit (id bigint PRIMARY KEY);
ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid() NOT NULL;
CREATE INDEX users_email_idx ON users (email);
CREATE INDEX users_lower_email_idx ON users (lower(email));
ALTER TABLE users DROP COLUMN legacy;
`;

beforeAll(() => Promise.all([loadPgParser(), loadLintFixes()]));

for (const server of pgServers())
  describe(`[pg ${server.label}] translateSql`, () => {
    let db: Database;
    let conn: SqlConnection;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ db, conn, close } = await testDatabase(server));
    });
    afterAll(() => close());

    test('safe / planned / untranslatable, and the plans run on the real runner and backfill loop', async () => {
      await conn.query('CREATE TABLE users (id bigserial PRIMARY KEY, email text, legacy int)');
      await conn.query(
        `INSERT INTO users (email) SELECT 'u' || g || '@x' FROM generate_series(1, ${ROWS}) g`,
      );
      const info = await db.withSession(readServerInfo);
      const { statements, unparseable } = translateSql(MIGRATION, { server: info });
      assert.deepEqual(unparseable, []);
      assert.deepEqual(
        statements.map((s) => [s.location.line, s.status]),
        [
          [1, 'safe'],
          [2, 'planned'],
          [3, 'planned'],
          [4, 'untranslatable'],
          [5, 'untranslatable'],
        ],
      );
      const [, addColumn, index, expression, drop] = statements;
      assert.equal(expression!.status === 'untranslatable' && /expression/.test(expression!.reason), true);
      assert.equal(drop!.status === 'untranslatable' && /^ban-dropping-column: /.test(drop!.reason), true);
      assert.ok(addColumn!.status === 'planned');
      assert.deepEqual(addColumn!.resolves, ['require-constant-default-for-new-column']);
      assert.ok(addColumn!.plans.some((p) => p.steps.some((s) => s.kind === 'backfill')));

      await conn.query(statements[0]!.sql);
      for (const s of [addColumn!, index!]) {
        assert.ok(s.status === 'planned');
        for (const [i, plan] of s.plans.entries())
          await runPlan(db, plan, { migration: `translate.sql:${s.location.line}#${i}` });
      }
      const facts = await columnFacts(conn, 'users', 'token');
      assert.deepEqual([facts?.type, facts?.notnull], ['uuid', true]);
      const [tokens] = await conn.query<{ n: string; distinct: string }>(
        'SELECT count(*) AS n, count(DISTINCT token) AS distinct FROM users',
      );
      // Volatile default: every existing row got its own value from the backfill.
      assert.deepEqual([Number(tokens!.n), Number(tokens!.distinct)], [ROWS, ROWS]);
      const [idx] = await conn.query<{ valid: boolean }>(
        "SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('users_email_idx')",
      );
      assert.equal(idx?.valid, true);
    });

    /**
     * The DO block `lint --fix` writes for a plain SQL file is derived from backfill/: batches of
     * BACKFILL_DEFAULTS.initialBatchSize rows, one transaction each, under the loop's per-batch
     * lock_timeout. A trigger records what each updated row's transaction saw.
     */
    test('lint --fix: the backfill script batches and bounds locks as the backfill loop does', async () => {
      await conn.query('CREATE TABLE items (id bigserial PRIMARY KEY, v int)');
      await conn.query(`INSERT INTO items (v) SELECT g FROM generate_series(1, ${ROWS}) g`);
      await conn.query('CREATE TABLE items_seen (tx bigint, lock_timeout text)');
      await conn.query(`CREATE FUNCTION items_seen() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO items_seen VALUES (txid_current(), current_setting('lock_timeout')); RETURN NEW; END $$`);
      await conn.query(
        'CREATE TRIGGER items_seen BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION items_seen()',
      );
      const sql = 'ALTER TABLE items ADD COLUMN token uuid DEFAULT gen_random_uuid() NOT NULL;\n';
      const major = Math.floor((await db.withSession(readServerInfo)).versionNum / 10000);
      const fixed = renderFixedFile(lintSql(sql, { pgVersion: major }), sql);
      assert.match(fixed.text, /DO \$ballast\$/);
      for (const s of lintSql(fixed.text, { pgVersion: major }).parsed.statements) await conn.query(s.sql);
      const seen = await conn.query<{ tx: string; rows: string; lock_timeout: string }>(
        'SELECT tx, count(*) AS rows, min(lock_timeout) AS lock_timeout FROM items_seen GROUP BY tx ORDER BY tx',
      );
      const batch = BACKFILL_DEFAULTS.initialBatchSize;
      assert.deepEqual(
        seen.map((r) => Number(r.rows)),
        Array.from({ length: Math.ceil(ROWS / batch) }, (_, i) => Math.min(batch, ROWS - i * batch)),
      );
      assert.deepEqual(
        [...new Set(seen.map((r) => r.lock_timeout))],
        [`${BACKFILL_DEFAULTS.lockTimeoutMs / 1000}s`],
      );
      const [left] = await conn.query<{ n: string }>('SELECT count(*) AS n FROM items WHERE token IS NULL');
      assert.equal(Number(left!.n), 0);
    });
  });

/** The ```ts block of the core README's "SQL → Plan" section, as a script in this package. */
function readmeExample(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## SQL → Plan'));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, 'the README has the example');
  return block;
}

for (const server of pgServers())
  describe(`[pg ${server.label}] the README example`, () => {
    let conn: SqlConnection;
    let tdb: TestDatabase;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ tdb, conn, close } = await testDatabase(server));
    });
    afterAll(() => close());

    test('runs, and leaves the column and the index the SQL meant', async () => {
      await conn.query('CREATE TABLE users (id bigserial PRIMARY KEY, email text)');
      await conn.query(`INSERT INTO users (email) SELECT 'u' || g FROM generate_series(1, ${ROWS}) g`);
      // Inside the package, so `@ballast/core` resolves to itself (self-reference by name).
      const script = fileURLToPath(new URL(`./.readme-translate-${process.pid}.mts`, import.meta.url));
      writeFileSync(script, readmeExample());
      try {
        const r = spawnSync(process.execPath, ['--conditions=ballast-source', '--import', 'tsx', script], {
          env: { ...process.env, DATABASE_URL: tdb.url },
          encoding: 'utf8',
        });
        assert.equal(r.status, 0, r.stderr);
      } finally {
        rmSync(script, { force: true });
      }
      const facts = await columnFacts(conn, 'users', 'api_token');
      assert.deepEqual([facts?.type, facts?.notnull], ['text', true]);
      const [idx] = await conn.query<{ valid: boolean }>(
        "SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('users_email_idx')",
      );
      assert.equal(idx?.valid, true);
      const [n] = await conn.query<{ n: string }>('SELECT count(DISTINCT api_token) AS n FROM users');
      assert.equal(Number(n!.n), ROWS);
    });
  });

test('PostgreSQL 10: the plan keeps its backfill step for runPlan; lint --fix writes no script for it', () => {
  const sql = 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid() NOT NULL;';
  const [t] = translateSql(sql, { pgVersion: 10 }).statements;
  assert.ok(t?.status === 'planned');
  assert.ok(t.plans.some((p) => p.steps.some((s) => s.kind === 'backfill')));
  assert.equal(lintSql(sql, { pgVersion: 10 }).fixes.size, 0);
});

test('unknown or wrong options are refused before anything is parsed', () => {
  assert.throws(
    () => translateSql('SELECT 1', { pgVersoin: 15 } as never),
    (e: Error & { argument?: string }) => e.name === 'InvalidArgumentError' && /pgVersoin/.test(e.message),
  );
});

test('a server of another dialect than the options is refused', () => {
  const server = translateSql('SELECT 1', { pgVersion: 15 });
  assert.equal(server.statements[0]!.status, 'safe');
  assert.throws(
    () =>
      translateSql('SELECT 1', {
        dialect: 'mysql',
        server: {
          dialect: 'postgres',
          versionNum: 150000,
          version: 'PostgreSQL 15',
          capabilities: {} as never,
        },
      }),
    (e: Error) => e.name === 'InvalidArgumentError',
  );
});
