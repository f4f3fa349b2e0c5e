/**
 * planAddForeignKey builds an index on the referencing columns only when no existing index
 * already serves them: the index step's `done` query accepts any valid, non-partial btree index
 * whose leading key columns are exactly the referencing columns.
 */
import assert from 'node:assert/strict';
import { planAddForeignKey, runPlan } from '@ballast/core';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { type PgFixture, pgFixture } from './support/pg.js';

let fx: PgFixture;
beforeAll(async () => {
  fx = await pgFixture('fkindex');
});
afterAll(() => fx.close());

interface Case {
  readonly name: string;
  /** Index DDL on `t` (columns a, b, c, "we;ird--col"), before the plan runs. */
  readonly existing: readonly string[];
  readonly columns: readonly string[];
  readonly built: boolean;
  /** INCLUDE exists from PostgreSQL 11. */
  readonly needsInclude?: boolean;
}

const CASES: Case[] = [
  {
    name: 'an index on exactly the column',
    existing: ['create index mine on t (a)'],
    columns: ['a'],
    built: false,
  },
  {
    name: 'a composite index leading with it',
    existing: ['create index mine on t (a, c)'],
    columns: ['a'],
    built: false,
  },
  {
    name: 'a two-column key in the other order',
    existing: ['create index mine on t (b, a, c)'],
    columns: ['a', 'b'],
    built: false,
  },
  {
    name: 'a unique constraint leading with it',
    existing: ['alter table t add constraint mine unique (a, id)'],
    columns: ['a'],
    built: false,
  },
  {
    name: 'a quoted name with ; and --',
    existing: ['create index mine on t ("we;ird--col")'],
    columns: ['we;ird--col'],
    built: false,
  },
  { name: 'no index at all', existing: [], columns: ['a'], built: true },
  {
    name: 'the column second in an index',
    existing: ['create index mine on t (c, a)'],
    columns: ['a'],
    built: true,
  },
  {
    name: 'only one of two key columns leading',
    existing: ['create index mine on t (a, c, b)'],
    columns: ['a', 'b'],
    built: true,
  },
  {
    name: 'a partial index',
    existing: ['create index mine on t (a) where c > 0'],
    columns: ['a'],
    built: true,
  },
  { name: 'a hash index', existing: ['create index mine on t using hash (a)'], columns: ['a'], built: true },
  {
    name: 'an expression index',
    existing: ['create index mine on t ((a + 0))'],
    columns: ['a'],
    built: true,
  },
  {
    name: 'the column only INCLUDEd',
    existing: ['create index mine on t (c) include (a)'],
    columns: ['a'],
    built: true,
    needsInclude: true,
  },
  {
    name: 'another collation',
    existing: ['create index mine on t (b collate "C")'],
    columns: ['b'],
    built: true,
  },
];

const indexes = async () =>
  (
    await fx.sql<{ name: string }>(
      "select indexrelid::regclass::text as name from pg_index where indrelid = 't'::regclass order by 1",
    )
  ).map((r) => r.name);

describe('the referencing index of a foreign key', () => {
  for (const c of CASES) {
    test(`${c.built ? 'built' : 'not built again'}: ${c.name}`, async (t) => {
      if (c.needsInclude && !fx.server.capabilities.indexIncludeColumns)
        return t.skip('INCLUDE columns need PostgreSQL 11');
      await fx.sql('drop table if exists t, p');
      await fx.sql('create table p (x int primary key, y text unique, unique (x, y))');
      await fx.sql('create table t (id int primary key, a int, b text, c int, "we;ird--col" int)');
      await fx.sql("insert into p select g, 'k' || g from generate_series(1, 10) g");
      await fx.sql(
        "insert into t select g, 1 + g % 10, 'k' || (1 + g % 10), g, 1 + g % 10 from generate_series(1, 200) g",
      );
      for (const sql of c.existing) await fx.sql(sql);
      const before = await indexes();
      const referenced: Record<string, string> = { a: 'x', b: 'y', 'we;ird--col': 'x' };
      const references = { table: 'p', columns: c.columns.map((col) => referenced[col]!) };
      const plan = planAddForeignKey({ table: 't', columns: c.columns, references }, fx.server);
      const report = await runPlan(fx.db, plan);
      const after = await indexes();
      assert.equal(report.steps[0]!.id, plan.steps[0]!.id);
      assert.equal(report.steps[0]!.status, c.built ? 'applied' : 'already-done');
      assert.equal(after.length, before.length + (c.built ? 1 : 0), `indexes: ${after.join(', ')}`);
      const [fk] = await fx.sql<{ convalidated: boolean }>(
        "select convalidated from pg_constraint where conrelid = 't'::regclass and contype = 'f'",
      );
      assert.equal(fk?.convalidated, true);
      const again = await runPlan(fx.db, plan);
      assert.ok(again.steps.every((step) => step.status === 'already-done'));
    });
  }
});
