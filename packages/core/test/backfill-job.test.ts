/**
 * Backfill checkpoints are named by the runner after the journal key and the step id, so a
 * migration re-applied after its rollback fills the rows again instead of finding the first
 * apply's job "done".
 */
import assert from 'node:assert/strict';
import { type Plan, planAddColumn, runPlan } from '@ballast/core';
import { CHECKPOINT_TABLE, freezePlan } from '@ballast/core/adapter';
import { afterAll, beforeAll, test } from 'vitest';
import { type PgFixture, pgFixture } from './support/pg.js';

let fx: PgFixture;
beforeAll(async () => {
  fx = await pgFixture('backfilljob');
});
afterAll(() => fx.close());

const reverseOf = (plan: Plan): Plan =>
  freezePlan({ ...plan, operation: `${plan.operation} (reverse)`, steps: plan.reverse, reverse: plan.steps });

test('up, down, up again with new journal keys: the second up backfills every row again', async () => {
  await fx.sql('create table bj (id int primary key)');
  await fx.sql('insert into bj select generate_series(1, 3000)');
  // random() is volatile: add nullable, set default, batched backfill.
  const plan = planAddColumn(
    { table: 'bj', column: 'token', type: 'text', default: { sql: 'md5(random()::text)' } },
    fx.server,
  );
  const backfillStep = plan.steps.find((s) => s.kind === 'backfill')!;
  const missing = async () =>
    (await fx.sql<{ n: string }>('select count(*) as n from bj where token is null'))[0]!.n;

  await runPlan(fx.db, plan, { migration: 'm.ts@1' });
  assert.equal(await missing(), '0');
  await runPlan(fx.db, reverseOf(plan), { migration: 'm.ts#down@1' });
  const second = await runPlan(fx.db, plan, { migration: 'm.ts@2' });

  assert.equal(second.steps.find((s) => s.id === backfillStep.id)?.status, 'applied');
  assert.equal(await missing(), '0', 'the re-apply filled the re-added column');
  const jobs = await fx.sql<{ job: string; status: string; rows_done: string }>(
    `select job, status, rows_done::text from ${CHECKPOINT_TABLE} order by job`,
  );
  assert.deepEqual(jobs, [
    { job: `m.ts@1:${backfillStep.id}`, status: 'done', rows_done: '3000' },
    { job: `m.ts@2:${backfillStep.id}`, status: 'done', rows_done: '3000' },
  ]);
});

test('an explicit backfill.job still wins over the journal-derived name', async () => {
  await fx.sql('create table bj2 (id int primary key)');
  await fx.sql('insert into bj2 select generate_series(1, 10)');
  const plan = planAddColumn(
    { table: 'bj2', column: 'token', type: 'text', default: { sql: 'md5(random()::text)' } },
    fx.server,
  );
  await runPlan(fx.db, plan, { migration: 'm2.ts@1', backfill: { job: 'my-own-job' } });
  const jobs = (await fx.sql<{ job: string }>(`select job from ${CHECKPOINT_TABLE}`)).map((r) => r.job);
  assert.ok(jobs.includes('my-own-job'), jobs.join(', '));
  assert.ok(!jobs.some((job) => job.startsWith('m2.ts@1')), jobs.join(', '));
});
