/**
 * A failed run leaves nothing in force that changes how the application's writes behave: the
 * runner undoes what this run created (trigger, NOT VALID constraint) when a later step fails.
 * Each case: data that makes the plan fail, the run, then what the database holds and what an
 * application write that the half-made rule would have refused now gets.
 */
import assert from 'node:assert/strict';
import {
  changeColumnType,
  LeftInForceError,
  type Plan,
  planAddCheck,
  planAddForeignKey,
  planAddPrimaryKey,
  planSetNotNull,
  runPlan,
  type ServerInfo,
} from '@ballast/core';
import { pgServers } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { logLines, type PgFixture, pgFixture } from './support/pg.js';

let pg: PgFixture;

const one = async <T>(sql: string, params: unknown[] = []) => (await pg.sql<T>(sql, params))[0]!;

/** Constraints and user triggers on a table, to compare before and after a failed run. */
const leftovers = async (table: string) => ({
  constraints: (
    await pg.sql<{ conname: string }>(
      `select conname from pg_constraint where conrelid = $1::regclass order by conname`,
      [table],
    )
  ).map((r) => r.conname),
  triggers: (
    await pg.sql<{ tgname: string }>(
      'select tgname from pg_trigger where tgrelid = $1::regclass and not tgisinternal',
      [table],
    )
  ).map((r) => r.tgname),
});

interface Case {
  readonly name: string;
  readonly setup: readonly string[];
  readonly plan: (server: ServerInfo) => Plan;
  /** What the error must say about why the run failed. */
  readonly error: RegExp;
  /** A write the half-made rule would refuse; it must succeed after the failed run. */
  readonly write: string;
  readonly table: string;
}

const CASES: Case[] = [
  {
    name: 'addCheck whose VALIDATE fails (existing rows violate it)',
    setup: [
      'create table uc (id int primary key, v int)',
      'insert into uc select g, g - 10 from generate_series(1, 100) g',
    ],
    plan: (s) => planAddCheck({ table: 'uc', name: 'uc_v_positive', expression: 'v > 0' }, s),
    error: /check constraint "uc_v_positive" .*is violated by some row/,
    write: 'insert into uc values (-1, -5)',
    table: 'uc',
  },
  {
    name: 'addForeignKey whose VALIDATE fails (rows reference missing keys)',
    setup: [
      'create table uf_parent (id int primary key)',
      'insert into uf_parent select generate_series(1, 10)',
      'create table uf (id int primary key, parent_id int)',
      'insert into uf select g, g from generate_series(1, 20) g',
    ],
    plan: (s) =>
      planAddForeignKey(
        { table: 'uf', columns: ['parent_id'], references: { table: 'uf_parent', columns: ['id'] } },
        s,
      ),
    error: /violates foreign key constraint "uf_parent_id_fkey"/,
    write: 'insert into uf values (-1, 999)',
    table: 'uf',
  },
  {
    name: 'setNotNull whose VALIDATE fails (rows hold NULL)',
    setup: [
      'create table un (id int primary key, v int)',
      'insert into un select g, nullif(g % 10, 0) from generate_series(1, 100) g',
    ],
    plan: (s) => planSetNotNull({ table: 'un', column: 'v' }, s),
    error: /contains null values|is violated by some row/,
    write: 'insert into un values (-1, null)',
    table: 'un',
  },
  {
    name: 'addPrimaryKey whose index build fails (duplicate keys): the NOT NULL it set is taken away too',
    setup: [
      'create table upk (id int, v int)',
      'insert into upk select g % 50, g from generate_series(1, 100) g',
    ],
    plan: (s) => planAddPrimaryKey({ table: 'upk', columns: ['id'] }, s),
    error: /could not create unique index/,
    write: 'insert into upk values (null, -1)',
    table: 'upk',
  },
];

for (const server of pgServers())
  describe(`[pg ${server.label}] a failed run undoes what it put in force`, () => {
    beforeAll(async () => {
      pg = await pgFixture('undo', server);
    });
    afterAll(() => pg.close());

    for (const c of CASES)
      test(c.name, async () => {
        for (const sql of c.setup) await pg.sql(sql);
        const before = await leftovers(c.table);
        const { lines, log } = logLines();
        await assert.rejects(runPlan(pg.db, c.plan(pg.server), { log, migration: `m-${c.table}` }), c.error);
        assert.deepEqual(await leftovers(c.table), before, 'no constraint left in force');
        await pg.sql(c.write);
        assert.ok(
          lines.some((l) => l.startsWith('undo ')),
          `the undo is logged:\n${lines.join('\n')}`,
        );
        // Journaled as not done: a rerun (once the data is fixed) adds the constraint again.
        const journaled = await pg.sql<{ step_id: string }>(
          'select step_id from ballast_journal where migration = $1 and success',
          [`m-${c.table}`],
        );
        assert.ok(
          journaled.every((r) => !/not-valid|not-null-not-valid|check-not-valid/.test(r.step_id)),
          JSON.stringify(journaled),
        );
      });

    test('what an earlier run left in force is not undone, but named with the SQL that removes it', async () => {
      await pg.sql('create table ul (id int primary key, v int)');
      await pg.sql('insert into ul select g, g - 10 from generate_series(1, 100) g');
      // An earlier run of the migration that stopped (crashed) after its first step.
      const plan = planAddCheck({ table: 'ul', name: 'ul_v_positive', expression: 'v > 0' }, pg.server);
      const options = { log: () => {}, migration: 'm-ul' };
      await runPlan(pg.db, { ...plan, steps: plan.steps.slice(0, 1) }, options);
      const error = await runPlan(pg.db, plan, options).catch((e: unknown) => e);
      assert.ok(error instanceof LeftInForceError, String(error));
      assert.match(error.message, /is violated by some row/);
      assert.deepEqual(error.leftInForce, [
        {
          step: 'add-check:ul.ul_v_positive:add-not-valid',
          description: 'add constraint ul_v_positive on ul as NOT VALID: checks new writes only, no scan',
          sql: 'ALTER TABLE "ul" DROP CONSTRAINT IF EXISTS "ul_v_positive"',
        },
      ]);
      assert.match(error.details.hint ?? '', /ALTER TABLE "ul" DROP CONSTRAINT IF EXISTS "ul_v_positive";/);
      await pg.sql(error.leftInForce[0]!.sql);
      await pg.sql('insert into ul values (-1, -5)');
    });

    test('steps this run applied after an undone one are redone by the rerun (a backfill filled through the dropped trigger)', async () => {
      await pg.sql('create table ub (id int primary key, a int not null, b int)');
      await pg.sql('insert into ub select g, g, null from generate_series(1, 3000) g');
      await pg.sql('create table ub_gate (ok int)');
      await pg.sql(`create function ub_fill() returns trigger language plpgsql as $$
        begin NEW.b := NEW.a * 10; return NEW; end $$`);
      const step = (id: string, sql: string, undo?: string) => ({
        kind: 'sql' as const,
        id: `ub:${id}`,
        description: id,
        lock: 'SHARE ROW EXCLUSIVE' as const,
        transactional: true,
        timeout: 'ddl' as const,
        sql,
        ...(undo
          ? {
              undoOnFailure: {
                description: `un-${id}`,
                sql: undo,
                lock: 'ACCESS EXCLUSIVE' as const,
                transactional: true,
                timeout: 'ddl' as const,
              },
            }
          : {}),
      });
      const plan: Plan = {
        operation: 'test',
        target: 'ub',
        steps: [
          step(
            'trigger',
            'create trigger ub_fill before insert or update on ub for each row execute procedure ub_fill()',
            'drop trigger if exists ub_fill on ub',
          ),
          {
            kind: 'backfill',
            id: 'ub:backfill',
            description: 'fill b through the trigger',
            lock: 'ROW EXCLUSIVE',
            transactional: false,
            timeout: 'long',
            backfill: { table: 'ub', set: { a: 'a' }, where: 'b is distinct from a * 10' },
          },
          step('gate', 'select 1 / (select count(*) from ub_gate)::int'),
        ],
        reverse: [],
        notes: [],
      };
      const options = { log: () => {}, migration: 'm-ub' };
      await assert.rejects(runPlan(pg.db, plan, options), /division by zero/);
      // Application writes while the trigger is gone: b goes stale on those rows.
      await pg.sql('update ub set a = a + 1 where id <= 100');
      await pg.sql('insert into ub_gate values (1)');
      const report = await runPlan(pg.db, plan, options);
      assert.deepEqual(
        report.steps.map((r) => r.status),
        ['applied', 'applied', 'applied'],
      );
      const r = await one<{ off: string }>('select count(*) as off from ub where b is distinct from a * 10');
      assert.equal(r.off, '0', 'every row filled by the rerun, stale ones included');
    });

    test('changeColumnType whose backfill fails (overflow): no trigger, no new column, writes succeed; a rerun fills every row', async () => {
      await pg.sql('create table ut (id int primary key, amount bigint not null)');
      await pg.sql('insert into ut select g, g from generate_series(1, 5000) g');
      // Late in key order, so earlier batches commit (and checkpoint) before the failure.
      await pg.sql('update ut set amount = 3000000000 where id = 4900');
      const before = await leftovers('ut');
      const request = { table: 'ut', column: 'amount', newType: 'integer' };
      const options = {
        log: () => {},
        migration: 'm-ut',
        backfill: { initialBatchSize: 500, maxBatchSize: 500 },
      };
      await assert.rejects(changeColumnType(pg.db, request, options), /integer out of range/);
      assert.deepEqual(await leftovers('ut'), before, 'no trigger, no constraint left in force');
      const [column] = await pg.sql(
        "select 1 from pg_attribute where attrelid = 'ut'::regclass and attname = 'amount_new'",
      );
      assert.equal(column, undefined, 'the stale new column is gone');
      // Writes touching the overflowing row worked before the run and work after it.
      await pg.sql('update ut set amount = amount + 1 where id = 4900');
      await pg.sql('insert into ut values (5001, 4000000000)');

      await pg.sql('update ut set amount = id where amount > 2147483647');
      await changeColumnType(pg.db, request, options);
      const r = await one<{ n: string; off: string }>(
        'select count(*) as n, count(*) filter (where amount_new is distinct from amount) as off from ut',
      );
      assert.deepEqual(r, { n: '5001', off: '0' }, 'the rerun filled every row, from the first');
    });
  });
