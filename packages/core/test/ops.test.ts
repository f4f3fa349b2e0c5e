/**
 * Every planner, run on a real PostgreSQL: the database is described after the run (catalog state
 * and what a write that breaks the new rule now gets), a rerun is a no-op, and the reverse undoes.
 */
import assert from 'node:assert/strict';
import {
  type Plan,
  planAddCheck,
  planAddColumn,
  planAddForeignKey,
  planAddPrimaryKey,
  planAddUnique,
  planCreateIndex,
  planDropColumn,
  planDropIndex,
  planDropTable,
  planSetNotNull,
  runPlan,
  type ServerInfo,
} from '@ballast/core';
import { pgServers } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { type PgFixture, pgFixture } from './support/pg.js';

let pg: PgFixture;

/** SQLSTATE of a statement that must fail, or undefined if it succeeded. */
async function failureCode(sql: string): Promise<string | undefined> {
  try {
    await pg.sql(sql);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

const one = async <T>(sql: string, params: unknown[] = []) => (await pg.sql<T>(sql, params))[0]!;

const constraint = (table: string, name: string) =>
  pg.sql<{ contype: string; convalidated: boolean }>(
    'select contype, convalidated from pg_constraint where conrelid = $1::regclass and conname = $2',
    [table, name],
  );

const notNull = async (table: string, column: string) =>
  (
    await one<{ attnotnull: boolean }>(
      'select attnotnull from pg_attribute where attrelid = $1::regclass and attname = $2',
      [table, column],
    )
  ).attnotnull;

interface Case {
  readonly name: string;
  readonly setup: readonly string[];
  readonly plan: (server: ServerInfo) => Plan;
  /** Expected number of steps the first run applies (the rest may be already-done). */
  readonly check: () => Promise<void>;
  readonly reversed?: () => Promise<void>;
}

const fill = (table: string, n = 500) =>
  `insert into ${table} (id, v) select g, g from generate_series(1, ${n}) g`;

const CASES: Case[] = [
  {
    name: 'add column with a literal default and NOT NULL: one instant statement',
    setup: ['create table ac1 (id int primary key, v int)', fill('ac1')],
    plan: (s) =>
      planAddColumn({ table: 'ac1', column: 'flag', type: 'int', default: { value: 7 }, notNull: true }, s),
    check: async () => {
      assert.equal((await one<{ n: string }>('select count(*) n from ac1 where flag = 7')).n, '500');
      assert.equal(await notNull('ac1', 'flag'), true);
      assert.equal(await failureCode('insert into ac1 (id, v, flag) values (-1, 0, null)'), '23502');
    },
    reversed: async () => {
      assert.equal(await failureCode('select flag from ac1'), '42703');
    },
  },
  {
    name: 'add column with a volatile default and NOT NULL: add, default, backfill, NOT NULL',
    setup: ['create table ac2 (id int primary key, v int)', fill('ac2')],
    plan: (s) =>
      planAddColumn(
        {
          table: 'ac2',
          column: 'token',
          type: 'text',
          default: { sql: 'md5(random()::text)' },
          notNull: true,
        },
        s,
      ),
    check: async () => {
      const r = await one<{ n: string; d: string; nulls: string }>(
        'select count(*) n, count(distinct token) d, count(*) filter (where token is null) as nulls from ac2',
      );
      assert.equal(r.nulls, '0');
      assert.ok(Number(r.d) > 400, `per-row values, got ${r.d} distinct`);
      assert.equal(await notNull('ac2', 'token'), true);
      assert.equal(
        (await constraint('ac2', 'ac2_token_not_null')).filter((c) => c.contype === 'c').length,
        0,
      );
      await pg.sql('insert into ac2 (id, v) values (-1, 0)');
      assert.equal((await one<{ t: string | null }>('select token t from ac2 where id = -1')).t?.length, 32);
    },
  },
  {
    name: 'set not null via a validated constraint',
    setup: ['create table sn (id int primary key, v int)', fill('sn')],
    plan: (s) => planSetNotNull({ table: 'sn', column: 'v' }, s),
    check: async () => {
      assert.equal(await notNull('sn', 'v'), true);
      assert.equal(await failureCode('insert into sn (id, v) values (-1, null)'), '23502');
    },
    reversed: async () => assert.equal(await notNull('sn', 'v'), false),
  },
  {
    name: 'add check NOT VALID then VALIDATE',
    setup: ['create table ck (id int primary key, v int)', fill('ck')],
    plan: (s) => planAddCheck({ table: 'ck', name: 'ck_v_positive', expression: 'v > 0' }, s),
    check: async () => {
      assert.deepEqual(await constraint('ck', 'ck_v_positive'), [{ contype: 'c', convalidated: true }]);
      assert.equal(await failureCode('insert into ck (id, v) values (-1, -5)'), '23514');
    },
    reversed: async () => assert.deepEqual(await constraint('ck', 'ck_v_positive'), []),
  },
  {
    name: 'add foreign key with its index built concurrently',
    setup: [
      'create table parent (id int primary key)',
      'insert into parent select g from generate_series(1, 100) g',
      'create table child (id int primary key, v int)',
      'insert into child select g, 1 + g % 100 from generate_series(1, 500) g',
    ],
    plan: (s) =>
      planAddForeignKey(
        {
          table: 'child',
          columns: ['v'],
          references: { table: 'parent', columns: ['id'] },
          onDelete: 'cascade',
        },
        s,
      ),
    check: async () => {
      assert.deepEqual(await constraint('child', 'child_v_fkey'), [{ contype: 'f', convalidated: true }]);
      const idx = await one<{ valid: boolean }>(
        "select indisvalid as valid from pg_index where indexrelid = 'child_v_idx'::regclass",
      );
      assert.equal(idx.valid, true);
      assert.equal(await failureCode('insert into child values (-1, 100000)'), '23503');
    },
    reversed: async () => {
      assert.deepEqual(await constraint('child', 'child_v_fkey'), []);
      assert.equal((await one<{ r: string | null }>("select to_regclass('child_v_idx')::text r")).r, null);
    },
  },
  {
    name: 'add unique via a concurrent unique index',
    setup: ['create table uq (id int primary key, v int)', fill('uq')],
    plan: (s) => planAddUnique({ table: 'uq', columns: ['v'] }, s),
    check: async () => {
      assert.deepEqual(await constraint('uq', 'uq_v_key'), [{ contype: 'u', convalidated: true }]);
      assert.equal(await failureCode('insert into uq values (-1, 1)'), '23505');
    },
    reversed: async () => assert.deepEqual(await constraint('uq', 'uq_v_key'), []),
  },
  {
    name: 'add primary key on a nullable column: NOT NULL sequence, then index, then attach',
    setup: ['create table pk (id int, v int)', 'insert into pk select g, g from generate_series(1, 500) g'],
    plan: (s) => planAddPrimaryKey({ table: 'pk', columns: ['id'] }, s),
    check: async () => {
      assert.deepEqual(await constraint('pk', 'pk_pkey'), [{ contype: 'p', convalidated: true }]);
      assert.equal(await notNull('pk', 'id'), true);
      assert.equal(await failureCode('insert into pk values (1, 0)'), '23505');
    },
  },
  {
    name: 'create a partial hash index concurrently; reverse drops it concurrently',
    setup: ['create table ix (id int primary key, v int)', fill('ix')],
    plan: (s) =>
      planCreateIndex({ table: 'ix', columns: ['v'], name: 'ix_v_hash', method: 'hash', where: 'v > 10' }, s),
    check: async () => {
      const def = await one<{ d: string }>("select pg_get_indexdef('ix_v_hash'::regclass) d");
      assert.match(def.d, /USING hash \(v\) WHERE \(v > 10\)/);
    },
    reversed: async () =>
      assert.equal((await one<{ r: string | null }>("select to_regclass('ix_v_hash')::text r")).r, null),
  },
  {
    name: 'drop index concurrently',
    setup: ['create table di (id int primary key, v int)', 'create index di_v on di (v)'],
    plan: (s) => planDropIndex({ name: 'di_v' }, s),
    check: async () =>
      assert.equal((await one<{ r: string | null }>("select to_regclass('di_v')::text r")).r, null),
  },
  {
    name: 'drop column sets the data aside; inserts that omit it keep working',
    setup: ['create table dc (id int primary key, v int not null)', fill('dc')],
    plan: (s) => planDropColumn({ table: 'dc', column: 'v', confirmUnused: true }, s),
    check: async () => {
      assert.equal(await failureCode('select v from dc'), '42703');
      assert.equal((await one<{ s: string }>('select sum(ballast_dropped_v) s from dc')).s, '125250');
      await pg.sql('insert into dc (id) values (-1)');
    },
    reversed: async () => assert.equal((await one<{ s: string }>('select sum(v) s from dc')).s, '125250'),
  },
  {
    name: 'drop table moves it aside into ballast_backup',
    setup: ['create table dt (id int primary key, v int)', fill('dt')],
    plan: (s) =>
      planDropTable({ table: 'dt', confirmUnused: true, droppedAt: new Date('2026-01-02T03:04:05Z') }, s),
    check: async () => {
      assert.equal((await one<{ r: string | null }>("select to_regclass('dt')::text r")).r, null);
      assert.equal(
        (await one<{ n: string }>('select count(*) n from ballast_backup.ballast_dropped_dt_20260102030405'))
          .n,
        '500',
      );
    },
    reversed: async () => assert.equal((await one<{ n: string }>('select count(*) n from dt')).n, '500'),
  },
];

for (const server of pgServers()) {
  describe(`operations on PostgreSQL (${server.label})`, () => {
    beforeAll(async () => {
      pg = await pgFixture('ops', server);
    });
    afterAll(() => pg.close());
    for (const c of CASES) {
      test(c.name, async () => {
        for (const sql of c.setup) await pg.sql(sql);
        const plan = c.plan(pg.server);
        const first = await runPlan(pg.db, plan);
        assert.ok(
          first.steps.some((s) => s.status === 'applied'),
          'the first run applies steps',
        );
        await c.check();
        const again = await runPlan(pg.db, plan);
        assert.deepEqual(
          again.steps.map((s) => s.status),
          plan.steps.map(() => 'already-done'),
          'a rerun finds every step already done',
        );
        if (c.reversed) {
          await runPlan(pg.db, { ...plan, steps: plan.reverse, reverse: [] });
          await c.reversed();
        }
      });
    }
  });
}
