/**
 * planBackfill (ops/backfill.ts): the one backfill step builder, shared by the bare backfill
 * (e.g. the Knex `backfill` helper) and add-column's volatile-default plan, run on a real server.
 */
import assert from 'node:assert/strict';
import {
  type BackfillInput,
  planAddColumn,
  planBackfill,
  runBackfill,
  runPlan,
  UnsafeOperationError,
} from '@ballast/core';
import { afterAll, beforeAll, test } from 'vitest';
import { type PgFixture, pgFixture } from './support/pg.js';

let fx: PgFixture;
beforeAll(async () => {
  fx = await pgFixture('backfillplan');
});
afterAll(() => fx.close());

test('a bare backfill fills the rows its WHERE selects, in batches, and resumes under its journal key', async () => {
  const column = 'full name; --"x"';
  const q = `"${column.replaceAll('"', '""')}"`;
  await fx.sql(`create table people (id int primary key, first text, last text, ${q} text)`);
  await fx.sql(
    `insert into people (id, first, last, ${q}) select g, 'f' || g, 'l' || g, case when g % 10 = 0 then 'kept' end from generate_series(1, 2500) g`,
  );
  const plan = planBackfill(
    { table: 'people', set: { [column]: "first || ' ' || last" }, where: `${q} is null` },
    fx.server,
  );
  assert.deepEqual(
    plan.steps.map((s) => [s.id, s.kind, s.lock, s.transactional, s.timeout]),
    [[`backfill:people(${column})`, 'backfill', 'ROW EXCLUSIVE', false, 'long']],
  );
  const report = await runPlan(fx.db, plan, {
    migration: 'fill_people',
    backfill: { initialBatchSize: 500 },
  });
  assert.equal(report.steps[0]!.status, 'applied');
  const rows = await fx.sql<{ kept: string; filled: string; nulls: string }>(
    `select count(*) filter (where ${q} = 'kept') as kept,
            count(*) filter (where ${q} = first || ' ' || last) as filled,
            count(*) filter (where ${q} is null) as nulls from people`,
  );
  assert.deepEqual(rows, [{ kept: '250', filled: '2250', nulls: '0' }]);
  const again = await runPlan(fx.db, plan, { migration: 'fill_people' });
  assert.equal(again.steps[0]!.status, 'skipped', 'journaled');
});

test("add-column's volatile default is backfilled by the same step builder", () => {
  const addColumn = planAddColumn(
    { table: 'people', column: 'token', type: 'text', default: { sql: 'md5(random()::text)' } },
    fx.server,
  );
  const fromAddColumn = addColumn.steps.find((s) => s.kind === 'backfill')!;
  const bare = planBackfill(
    { table: 'people', set: { token: 'md5(random()::text)' }, where: '"token" IS NULL' },
    fx.server,
  ).steps[0]!;
  const shape = ({ id: _id, description: _d, ...rest }: typeof bare) => rest;
  assert.deepEqual(shape(fromAddColumn), shape(bare));
});

test('a SET expression or WHERE with a statement separator is refused before anything runs', () => {
  const inputs: BackfillInput[] = [
    { table: 'people', set: { first: "'x'; drop table people" } },
    { table: 'people', set: { first: "'x'" }, where: 'true -- and more' },
    { table: 'people', set: {} },
  ];
  for (const input of inputs) {
    assert.throws(() => planBackfill(input, fx.server), UnsafeOperationError, JSON.stringify(input));
  }
});

test('runBackfill called directly refuses the same fragments, and no row changes', async () => {
  await fx.sql('create table direct (id int primary key, v text)');
  await fx.sql("insert into direct select g, 'old' from generate_series(1, 50) g");
  const specs = [
    // A comment would hide the rest of the batch's UPDATE from the server (its keyset bound).
    { table: 'direct', set: { v: "'new' --" } },
    { table: 'direct', set: { v: "'new'" }, where: 'id > 10 /* and more */' },
    { table: 'direct', set: { v: "'new'; delete from direct" } },
  ];
  for (const spec of specs) {
    await assert.rejects(runBackfill(fx.db, spec), (e: Error) => e.name === 'UnsafeOperationError');
  }
  const [row] = await fx.sql<{ changed: string; total: string }>(
    "select count(*) filter (where v <> 'old') as changed, count(*) as total from direct",
  );
  assert.deepEqual(row, { changed: '0', total: '50' });
});
