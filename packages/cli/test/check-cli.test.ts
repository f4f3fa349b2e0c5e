/**
 * `ballast plan` and `ballast check` as processes on the harness's PostgreSQL servers, with the
 * example app's migration history (examples/knex-app/migrations) and the seeded bad migrations
 * beside it (examples/knex-app/test/fixtures/check-seeded): what the report says, the exit status,
 * and that the target is left exactly as it was, with no throwaway database behind.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { snapshotSchema } from '@ballast/core/adapter';
import { pgServers, pgTestDatabase, type SqlConnection } from '@ballast/testkit';
import knexFactory from 'knex';
import { test } from 'vitest';
import { maskUrl } from '../src/check/url.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'packages/cli/src/bin.ts');
const history = join(root, 'examples/knex-app/migrations');
const seeded = join(root, 'examples/knex-app/test/fixtures/check-seeded');
const expandContract = join(root, 'examples/knex-app/test/fixtures/check-expand-contract');

function ballast(...args: string[]) {
  const r = spawnSync(process.execPath, ['--conditions=ballast-source', '--import', 'tsx', bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: process.env,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Report {
  copy: string;
  pending: string[];
  statements: {
    migration: string;
    sql: string;
    ms: number;
    estimatedMs: number;
    sampled: boolean;
    locks: { mode: string; relation: string; existing: boolean }[];
    rewrites: string[];
    scans: Record<string, number>;
    step?: { id: string; description: string; lock: string };
  }[];
  findings: { severity: string; rule: string; migration: string; message: string }[];
  blocking: boolean;
}

async function migrate(url: string, count?: number) {
  const knex = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 4 } });
  try {
    const config = { directory: history, loadExtensions: ['.ts'] };
    if (count === undefined) await knex.migrate.latest(config);
    else for (let i = 0; i < count; i++) await knex.migrate.up(config);
  } finally {
    await knex.destroy();
  }
}

/** What plan/check must never change: the schema, Knex's ledger, the server's databases. */
async function untouched(conn: SqlConnection) {
  const [knexTable] = await conn.query<{ ok: boolean }>(
    `select to_regclass('knex_migrations') is not null as ok`,
  );
  const ledger = knexTable?.ok ? await conn.query('select name from knex_migrations order by id') : [];
  const dbs = await conn.query<{ datname: string }>(
    `select datname from pg_database where datname like 'ballast\\_check\\_%' or datname like 'ballast\\_lint\\_%'`,
  );
  return { schema: await snapshotSchema(conn), ledger, throwaway: dbs.map((d) => d.datname) };
}

for (const server of pgServers()) {
  test(`check catches a down that loses a column and a table rewrite, passes the safe one (PG ${server.label})`, async () => {
    const db = await pgTestDatabase('check_seeded', server);
    await migrate(db.url);
    const conn = await db.connect();
    let before: Awaited<ReturnType<typeof untouched>>;
    try {
      await conn.query(
        `insert into users (email, first_name, last_name, full_name)
           select 'u' || g || '@x', 'f' || g, 'l' || g, 'f' || g || ' l' || g from generate_series(1, 50) g`,
      );
      await conn.query(
        `insert into products (name, price_cents) select 'p' || g, g from generate_series(1, 20) g`,
      );
      await conn.query('analyze');
      before = await untouched(conn);
      // The local server's pg_dump matches it: an open session there makes check use the dump.
      const dump = server.label === 'default';
      if (!dump) await conn.close();
      const sample = dump ? ['--sample-rows', '5'] : [];
      const r = ballast('check', seeded, '--database-url', db.url, '--json', ...sample);
      assert.equal(r.code, 1, r.stderr);
      assert.ok(r.stdout, r.stderr.slice(-3000));
      const report = JSON.parse(r.stdout) as Report;
      assert.equal(report.copy, dump ? 'schema-dump' : 'template');
      assert.deepEqual(report.pending, [
        '20240601000000_products_sku_lossy_down.ts',
        '20240602000000_users_signup_time_rewrite.ts',
        '20240603000000_users_nickname_safe.ts',
      ]);
      const errors = report.findings.filter((f) => f.severity === 'error');
      const lossy = errors.find((f) => f.rule === 'down-does-not-restore');
      assert.equal(lossy?.migration, '20240601000000_products_sku_lossy_down.ts');
      assert.match(lossy!.message, /products\.column name: text \| not null → missing/);
      const rewrite = errors.find((f) => f.rule === 'table-rewrite');
      assert.equal(rewrite?.migration, '20240602000000_users_signup_time_rewrite.ts');
      assert.match(rewrite!.message, /rewrites public\.users/);
      assert.deepEqual(
        errors.filter((f) => f.migration.includes('nickname_safe')),
        [],
        'the safe migration has no blocking finding',
      );
      const alter = report.statements.find((s) => /signed_up_at/.test(s.sql))!;
      assert.deepEqual(alter.rewrites, ['public.users']);
      // Estimated at the target's row count: 50 users there (reltuples), 5 in the sampled copy.
      assert.equal(alter.estimatedMs, alter.ms * (dump ? 10 : 1));
      assert.ok(
        alter.locks.some((l) => l.mode === 'ACCESS EXCLUSIVE' && l.relation === 'public.users' && l.existing),
      );
    } finally {
      await conn.close().catch(() => {});
    }
    const again = await db.connect();
    try {
      assert.deepEqual(await untouched(again), before, 'the target is as it was, no throwaway database left');
    } finally {
      await again.close();
    }
  });
}

for (const server of pgServers()) {
  test(`check passes the example app's history with a lock trace of every statement (PG ${server.label})`, async () => {
    const db = await pgTestDatabase('check_example', server);
    const conn = await db.connect();
    const before = await untouched(conn);
    await conn.close();
    const r = ballast('check', history, '--database-url', db.url, '--json');
    assert.equal(r.code, 0, r.stderr.slice(-3000) + r.stdout.slice(-3000));
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.pending.length, 5);
    assert.deepEqual(
      report.findings.filter((f) => f.severity === 'error'),
      [],
    );
    for (const name of report.pending)
      assert.ok(
        report.statements.some((s) => s.migration === name),
        `${name}: its statements are in the trace`,
      );
    for (const s of report.statements)
      if (!s.sampled) assert.ok(s.locks.length > 0, `${s.sql}: its locks are in the trace`);
    // setNotNull validates a CHECK: SHARE UPDATE EXCLUSIVE on users, which lets writes through.
    const validate = report.statements.find((s) => /validate constraint/i.test(s.sql) && /users/.test(s.sql));
    assert.ok(
      validate?.locks.some((l) => l.mode === 'SHARE UPDATE EXCLUSIVE' && l.relation === 'public.users'),
    );
    const markdown = ballast('check', history, '--database-url', db.url, '--markdown');
    assert.equal(markdown.code, 0);
    assert.match(markdown.stdout, /^## ✅ ballast check: 5 pending migrations/);
    assert.match(markdown.stdout, /\| # \| statement \| time \| locks \| rewrites \/ scans \|/);
    const again = await db.connect();
    try {
      assert.deepEqual(await untouched(again), before);
    } finally {
      await again.close();
    }
  });
}

for (const server of pgServers()) {
  test(`plan lists what the pending migrations would do and changes nothing (PG ${server.label})`, async () => {
    const db = await pgTestDatabase('plan', server);
    await migrate(db.url, 2);
    let conn = await db.connect();
    try {
      const before = await untouched(conn);
      // As in the check test: a session left open on the local server makes plan use pg_dump.
      if (server.label !== 'default') await conn.close();
      const r = ballast('plan', history, '--database-url', db.url, '--json');
      assert.equal(r.code, 0, r.stderr.slice(-3000));
      const report = JSON.parse(r.stdout) as Report;
      assert.deepEqual(report.pending, [
        '20240301000000_user_preferences.ts',
        '20240401000000_products_price_cents.ts',
        '20240501000000_drop_products_price.ts',
      ]);
      const fk = report.statements.find((s) =>
        /add constraint .*user_preferences_user_id_fkey.*not valid/i.test(s.sql),
      );
      assert.ok(fk, 'the NOT VALID foreign key is planned');
      assert.ok(fk.locks.some((l) => l.relation === 'public.users' && l.mode === 'SHARE ROW EXCLUSIVE'));
      // Labelled with the helper step that sent it, and its planned lock; plain Knex has no step.
      assert.match(fk.step?.id ?? '', /^add-foreign-key:user_preferences\.user_preferences_user_id_fkey:/);
      assert.equal(fk.step?.lock, 'SHARE ROW EXCLUSIVE');
      const create = report.statements.find((s) => /^create table "user_preferences"/.test(s.sql));
      assert.equal(create?.step, undefined);
      const text = ballast('plan', history, '--database-url', db.url);
      assert.equal(text.code, 0);
      assert.match(text.stdout, /^ballast plan: 3 pending migrations for /);
      assert.match(text.stdout, /lock SHARE ROW EXCLUSIVE on public\.users/);
      assert.match(
        text.stdout,
        /step add-foreign-key:user_preferences\.user_preferences_user_id_fkey:\S+ \(planned lock SHARE ROW EXCLUSIVE\)/,
      );
      if (server.label !== 'default') conn = await db.connect();
      assert.deepEqual(await untouched(conn), before, 'the target is as it was');
    } finally {
      await conn.close().catch(() => {});
    }
  });
}

for (const server of pgServers()) {
  test(`check flags an expand and its contract in one release, and locks over the budget (PG ${server.label})`, async () => {
    const db = await pgTestDatabase('check_release', server);
    await migrate(db.url);
    const r = ballast('check', expandContract, '--database-url', db.url, '--json', '--lock-budget', '0ms');
    assert.equal(r.code, 1, r.stderr.slice(-3000));
    const report = JSON.parse(r.stdout) as Report;
    const release = report.findings.filter((f) => f.rule === 'expand-and-contract-in-one-release');
    assert.equal(release.length, 1, JSON.stringify(report.findings));
    assert.match(
      release[0]!.message,
      /users\.first_name → given_name is expanded and contracted in the same release/,
    );
    assert.ok(
      report.findings.some(
        (f) => f.rule === 'lock-over-budget' && /ACCESS EXCLUSIVE on public\.users/.test(f.message),
      ),
      'with a zero budget, any exclusive lock on users is over it',
    );
    assert.deepEqual(
      report.findings.filter((f) => /down-does-not-restore|reapply-differs|migration-failed/.test(f.rule)),
      [],
      'expand and contract are each reversible',
    );
  });
}

test('Ctrl-C during check drops the throwaway database', async () => {
  const db = await pgTestDatabase('check_sigint');
  const conn = await db.connect();
  const copies = async () =>
    (
      await conn.query<{ datname: string }>(
        `select datname from pg_database where datname like 'ballast\\_check\\_%'`,
      )
    ).map((r) => r.datname);
  // Copies an earlier test may still be dropping are not this run's.
  const earlier = new Set(await copies());
  const child = spawn(
    process.execPath,
    ['--conditions=ballast-source', '--import', 'tsx', bin, 'check', history, '--database-url', db.url],
    { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let running = true;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running = false;
      resolve(code);
    }),
  );
  try {
    // Wait until this run's copy exists and a migration session works on it, then interrupt.
    const sessionsOnNewCopy = async () => {
      const rows = await conn.query<{ datname: string }>(
        `select datname from pg_stat_activity where datname like 'ballast\\_check\\_%'`,
      );
      return rows.filter((r) => !earlier.has(r.datname)).length;
    };
    while (running && (await sessionsOnNewCopy()) < 2) await new Promise((r) => setTimeout(r, 50));
    assert.ok(running, 'check was still running when interrupted');
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    assert.deepEqual(
      (await copies()).filter((name) => !earlier.has(name)),
      [],
    );
  } finally {
    child.kill('SIGKILL');
    await conn.close();
  }
});

test('usage errors exit 2; the password of the database URL is never printed', () => {
  const url = 'postgres://app:s3cret-pw@127.0.0.1:1/nowhere';
  assert.equal(maskUrl(url), 'postgres://app:***@127.0.0.1:1/nowhere');
  const unreachable = ballast('check', history, '--database-url', url);
  assert.equal(unreachable.code, 2);
  assert.match(unreachable.stderr, /cannot connect to the target/);
  assert.doesNotMatch(unreachable.stdout + unreachable.stderr, /s3cret/);
  const usage = ballast('check', history, '--database-url', url, '--lock-budget', 'soon');
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--lock-budget soon: use a duration such as 2s/);
  const help = ballast('plan', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: ballast plan <knex migrations dir>/);
});
