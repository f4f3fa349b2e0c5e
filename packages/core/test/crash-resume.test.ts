/**
 * kill -9 of a running migration: the rerun takes over the dead holder's migrator lock (its
 * backend is gone), skips the journaled steps, resumes the backfill and finishes the plan.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { planAddColumn, runPlan } from '@ballast/core';
import { afterAll, beforeAll, test } from 'vitest';
import { logLines, type PgFixture, pgFixture } from './support/pg.js';

const CHILD = fileURLToPath(new URL('./fixtures/run-plan-child.ts', import.meta.url));
const MIGRATION = '2026_11_crash_token';

let fx: PgFixture;
beforeAll(async () => {
  fx = await pgFixture('crash');
  await fx.sql('create table cr (id int primary key, v int)');
  await fx.sql('insert into cr select g, g from generate_series(1, 100000) g');
});
afterAll(() => fx.close());

const journaled = async () =>
  (
    await fx
      .sql<{ step_id: string }>('select step_id from ballast_journal where migration = $1 and success', [
        MIGRATION,
      ])
      .catch(() => [])
  ).map((r) => r.step_id);

test('a migration killed during its backfill resumes where it stopped', async () => {
  const plan = planAddColumn(
    { table: 'cr', column: 'token', type: 'text', default: { sql: 'md5(random()::text)' }, notNull: true },
    fx.server,
  );
  const setDefault = plan.steps[1]!.id;
  const child = spawn(
    process.execPath,
    ['--conditions=ballast-source', '--import', 'tsx', CHILD, fx.test.url, 'cr', MIGRATION],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const deadline = Date.now() + 60_000;
  while (!(await journaled()).includes(setDefault)) {
    assert.equal(child.exitCode, null, `child ended before the backfill: ${stderr}`);
    assert.ok(Date.now() < deadline, 'child never reached the backfill');
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 700));
  child.kill('SIGKILL');
  await exited;

  const [partial] = await fx.sql<{ filled: string; nulls: string }>(
    'select count(token) as filled, count(*) - count(token) as nulls from cr',
  );
  assert.ok(
    Number(partial!.filled) > 0 && Number(partial!.nulls) > 0,
    `killed mid-backfill: ${JSON.stringify(partial)}`,
  );
  const [lock] = await fx.sql<{ expires_at: Date }>(
    "select expires_at from ballast_locks where name = 'ballast'",
  );
  assert.ok(lock, 'the dead process left its lock row behind');

  const { lines, log } = logLines();
  const report = await runPlan(fx.db, plan, { migration: MIGRATION, log, lock: { waitMs: 10_000 } });
  assert.deepEqual(
    report.steps.map((s) => `${s.id.split(':').pop()}=${s.status}`),
    [
      'add=skipped',
      'set-default=skipped',
      ...plan.steps.slice(2).map((s) => `${s.id.split(':').pop()}=applied`),
    ],
    lines.join('\n'),
  );
  const [done] = await fx.sql<{ nulls: string; distinct: string }>(
    'select count(*) - count(token) as nulls, count(distinct token) as distinct from cr',
  );
  assert.equal(done!.nulls, '0');
  assert.ok(Number(done!.distinct) > 99_000);
});
