/**
 * "Already done" means "exists exactly as asked": an object that only shares the name (another
 * column type, default or nullability; index columns, uniqueness, method or predicate; another
 * CHECK expression or foreign key) stops the plan before any step runs, and the table is left as
 * it was. The same object written differently (`int` vs `integer`, `v>0` vs `(v > 0)`) is done.
 */
import assert from 'node:assert/strict';
import {
  ObjectConflictError,
  type Plan,
  planAddCheck,
  planAddColumn,
  planAddForeignKey,
  planAddUnique,
  planCreateIndex,
  planSetNotNull,
  runPlan,
  type ServerInfo,
} from '@ballast/core';
import { pgServers } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { type PgFixture, pgFixture } from './support/pg.js';
import { tableShape } from './support/shape.js';

let pg: PgFixture;
const quiet = { log: () => {} };

interface Case {
  readonly name: string;
  readonly table: string;
  readonly setup: readonly string[];
  readonly plan: (server: ServerInfo) => Plan;
  /** For conflicts: what the error's `existing` / `requested` show. */
  readonly existing?: RegExp;
  readonly requested?: RegExp;
  /** Only on servers where the setup SQL exists. */
  readonly only?: (server: ServerInfo) => boolean;
  /** Why the case cannot run elsewhere (the skip says it). */
  readonly onlyWhy?: string;
}

// PG 18 adds NOT NULL as a named constraint (the requested text), older servers a CHECK.
const NOT_NULL_V = /^(CHECK \(\("?v"? IS NOT NULL\)\)|NOT NULL "?v"?)$/;

const CONFLICTS: Case[] = [
  {
    name: 'add column: same name, another type',
    table: 'c_type',
    setup: ['create table c_type (id int primary key, age int)', 'insert into c_type values (1, 41)'],
    plan: (s) => planAddColumn({ table: 'c_type', column: 'age', type: 'text' }, s),
    existing: /^integer$/,
    requested: /^text$/,
  },
  {
    name: 'add column: same type, another default',
    table: 'c_default',
    setup: ['create table c_default (id int primary key, score int not null default 0)'],
    plan: (s) =>
      planAddColumn(
        { table: 'c_default', column: 'score', type: 'int', default: { value: 1 }, notNull: true },
        s,
      ),
    existing: /^integer DEFAULT 0 NOT NULL$/,
    requested: /^integer DEFAULT 1 NOT NULL$/,
  },
  {
    name: 'add column: same type and default, another nullability',
    table: 'c_null',
    setup: ['create table c_null (id int primary key, flag boolean not null default false)'],
    plan: (s) =>
      planAddColumn({ table: 'c_null', column: 'flag', type: 'bool', default: { value: false } }, s),
    existing: /^boolean DEFAULT false NOT NULL$/,
    requested: /^boolean DEFAULT false$/,
  },
  {
    name: 'create index: same name, other columns',
    table: 'i_cols',
    setup: [
      'create table i_cols (id int primary key, a int, b int)',
      'create index i_cols_idx on i_cols (a)',
    ],
    plan: (s) => planCreateIndex({ table: 'i_cols', columns: ['b'], name: 'i_cols_idx' }, s),
    existing: /^btree \(a\)$/,
    requested: /^btree \(b\) on i_cols$/,
  },
  {
    name: 'create index: same columns, not unique',
    table: 'i_unique',
    setup: ['create table i_unique (id int primary key, a int)', 'create index i_unique_idx on i_unique (a)'],
    plan: (s) =>
      planCreateIndex({ table: 'i_unique', columns: ['a'], name: 'i_unique_idx', unique: true }, s),
    existing: /^btree \(a\)$/,
    requested: /^UNIQUE btree \(a\)/,
  },
  {
    name: 'create index: same columns, another method',
    table: 'i_method',
    setup: [
      'create table i_method (id int primary key, a int)',
      'create index i_method_idx on i_method using hash (a)',
    ],
    plan: (s) => planCreateIndex({ table: 'i_method', columns: ['a'], name: 'i_method_idx' }, s),
    existing: /^hash \(a\)$/,
    requested: /^btree \(a\)/,
  },
  {
    name: 'create index: same columns, another predicate',
    table: 'i_pred',
    setup: [
      'create table i_pred (id int primary key, a int)',
      'create index i_pred_idx on i_pred (a) where a > 10',
    ],
    plan: (s) => planCreateIndex({ table: 'i_pred', columns: ['a'], name: 'i_pred_idx', where: 'a > 20' }, s),
    existing: /^btree \(a\) WHERE \(a > 10\)$/,
    requested: /^btree \(a\) WHERE \(a > 20\)/,
  },
  {
    name: 'create index: the name belongs to a table',
    table: 'i_rel',
    setup: ['create table i_rel (id int primary key, a int)', 'create table i_rel_idx (x int)'],
    plan: (s) => planCreateIndex({ table: 'i_rel', columns: ['a'], name: 'i_rel_idx' }, s),
    existing: /^a table named i_rel_idx$/,
    requested: /^btree \(a\)/,
  },
  {
    name: 'add unique: the name is a unique constraint on other columns',
    table: 'u_cols',
    setup: [
      'create table u_cols (id int primary key, a int, b int)',
      'alter table u_cols add constraint u_cols_key unique (a)',
    ],
    plan: (s) => planAddUnique({ table: 'u_cols', columns: ['b'], name: 'u_cols_key' }, s),
    existing: /^UNIQUE btree \(a\)$/,
    requested: /^UNIQUE btree \(b\)/,
  },
  {
    name: 'add check: same name, another expression',
    table: 'k_expr',
    setup: [
      'create table k_expr (id int primary key, v int)',
      'alter table k_expr add constraint k_expr_v check (v > 0)',
    ],
    plan: (s) => planAddCheck({ table: 'k_expr', name: 'k_expr_v', expression: 'v > 10' }, s),
    existing: /^CHECK \(\(v > 0\)\)$/,
    requested: /^CHECK \(\(v > 10\)\)$/,
  },
  {
    name: 'add foreign key: same name, another referenced table',
    table: 'f_ref',
    setup: [
      'create table f_parent1 (id int primary key)',
      'create table f_parent2 (id int primary key)',
      'create table f_ref (id int primary key, pid int)',
      'alter table f_ref add constraint f_ref_fk foreign key (pid) references f_parent1 (id)',
    ],
    plan: (s) =>
      planAddForeignKey(
        {
          table: 'f_ref',
          columns: ['pid'],
          references: { table: 'f_parent2', columns: ['id'] },
          name: 'f_ref_fk',
        },
        s,
      ),
    existing: /REFERENCES f_parent1\(id\)$/,
    requested: /REFERENCES "f_parent2"\("id"\)$/,
  },
  {
    name: 'add foreign key: same reference, another ON DELETE',
    table: 'f_del',
    setup: [
      'create table f_dparent (id int primary key)',
      'create table f_del (id int primary key, pid int)',
      'alter table f_del add constraint f_del_fk foreign key (pid) references f_dparent (id) on delete cascade',
    ],
    plan: (s) =>
      planAddForeignKey(
        {
          table: 'f_del',
          columns: ['pid'],
          references: { table: 'f_dparent', columns: ['id'] },
          name: 'f_del_fk',
          onDelete: 'restrict',
        },
        s,
      ),
    existing: /ON DELETE CASCADE$/,
    requested: /ON DELETE RESTRICT$/,
  },
  {
    name: 'set not null: the default constraint name is a CHECK with another expression',
    table: 'n_check',
    setup: [
      'create table n_check (id int primary key, v int, w int)',
      'alter table n_check add constraint n_check_v_not_null check (w > 0)',
    ],
    plan: (s) => planSetNotNull({ table: 'n_check', column: 'v' }, s),
    existing: /^CHECK \(\(w > 0\)\)$/,
    requested: NOT_NULL_V,
  },
  {
    name: 'set not null: the name is a CHECK (w IS NOT NULL) on another column',
    table: 'n_other',
    setup: [
      'create table n_other (id int primary key, v int, w int)',
      'alter table n_other add constraint n_other_v_not_null check (w is not null)',
    ],
    plan: (s) => planSetNotNull({ table: 'n_other', column: 'v' }, s),
    existing: /^CHECK \(\(w IS NOT NULL\)\)$/,
    requested: NOT_NULL_V,
  },
  {
    name: 'set not null (PG 18): the name is the NOT NULL of another column',
    table: 'n_nn',
    setup: [
      'create table n_nn (id int primary key, v int, w int)',
      'alter table n_nn add constraint n_nn_v_not_null not null w',
    ],
    plan: (s) => planSetNotNull({ table: 'n_nn', column: 'v' }, s),
    existing: /^NOT NULL w$/,
    requested: /^NOT NULL "v"$/,
    only: (s) => s.dialect === 'postgres' && s.capabilities.notNullNotValid,
    onlyWhy: 'named NOT NULL constraints exist from PostgreSQL 18 (the matrix server runs this case)',
  },
];

const EQUALS: Case[] = [
  {
    name: 'add column: `int` with a literal default is the existing `integer DEFAULT 0 NOT NULL`',
    table: 'e_col',
    setup: ['create table e_col (id int primary key, score integer not null default 0)'],
    plan: (s) =>
      planAddColumn(
        { table: 'e_col', column: 'score', type: 'int', default: { value: 0 }, notNull: true },
        s,
      ),
  },
  {
    name: 'add column: `varchar(20)` with a default is the existing `character varying(20)`',
    table: 'e_vc',
    setup: ["create table e_vc (id int primary key, tag character varying(20) default 'x')"],
    plan: (s) =>
      planAddColumn({ table: 'e_vc', column: 'tag', type: 'varchar(20)', default: { value: 'x' } }, s),
  },
  {
    name: 'add column with a volatile default and NOT NULL, all steps done',
    table: 'e_vol',
    setup: ['create table e_vol (id int primary key, at timestamptz not null default clock_timestamp())'],
    plan: (s) =>
      planAddColumn(
        {
          table: 'e_vol',
          column: 'at',
          type: 'timestamp with time zone',
          default: { sql: 'clock_timestamp()' },
          notNull: true,
        },
        s,
      ),
  },
  {
    name: 'create index: same definition written differently',
    table: 'e_idx',
    setup: [
      'create table e_idx (id int primary key, a int)',
      'create index e_idx_a on e_idx (a) where a > 10',
    ],
    plan: (s) => planCreateIndex({ table: 'e_idx', columns: ['a'], name: 'e_idx_a', where: 'a>10' }, s),
  },
  {
    name: 'add unique: the same unique constraint',
    table: 'e_uq',
    setup: [
      'create table e_uq (id int primary key, a int)',
      'alter table e_uq add constraint e_uq_a_key unique (a)',
    ],
    plan: (s) => planAddUnique({ table: 'e_uq', columns: ['a'] }, s),
  },
  {
    name: 'add check: the same expression, spaced differently',
    table: 'e_chk',
    setup: [
      'create table e_chk (id int primary key, v int)',
      'alter table e_chk add constraint e_chk_v check (v > 0)',
    ],
    plan: (s) => planAddCheck({ table: 'e_chk', name: 'e_chk_v', expression: 'v>0' }, s),
  },
  {
    name: 'add foreign key: the same reference and actions',
    table: 'e_fk',
    setup: [
      'create table e_fparent (id int primary key)',
      'create table e_fk (id int primary key, pid int)',
      'create index e_fk_pid_idx on e_fk (pid)',
      'alter table e_fk add constraint e_fk_pid_fkey foreign key (pid) references e_fparent (id) on delete cascade',
    ],
    plan: (s) =>
      planAddForeignKey(
        {
          table: 'e_fk',
          columns: ['pid'],
          references: { table: 'e_fparent', columns: ['id'] },
          onDelete: 'CASCADE',
        },
        s,
      ),
  },
  {
    // On PG 18 the column's own NOT NULL is the constraint `e_nn_v_not_null`, Ballast's default name.
    name: 'set not null: the column is NOT NULL already',
    table: 'e_nn',
    setup: ['create table e_nn (id int primary key, v int not null)'],
    plan: (s) => planSetNotNull({ table: 'e_nn', column: 'v' }, s),
  },
];

for (const server of pgServers()) {
  describe(`exact "already done" on PostgreSQL (${server.label})`, () => {
    beforeAll(async () => {
      pg = await pgFixture('exact', server);
    });
    afterAll(() => pg.close());

    for (const c of CONFLICTS) {
      test(`${c.name} → ObjectConflictError, table unchanged`, async (t) => {
        if (c.only && !c.only(pg.server)) return t.skip(c.onlyWhy ?? 'not on this server');
        for (const sql of c.setup) await pg.sql(sql);
        const before = await tableShape(pg, c.table);
        const error = await runPlan(pg.db, c.plan(pg.server), quiet).then(
          () => assert.fail('the plan should have been refused'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof ObjectConflictError, String(error));
        assert.match(error.existing, c.existing!);
        assert.match(error.requested, c.requested!);
        assert.match(error.message, /already exists with another definition/);
        assert.match(error.message, /another name, or drop/);
        assert.deepEqual(await tableShape(pg, c.table), before);
      });
    }

    test('add column with a volatile default, interrupted after its first step: the rerun resumes', async () => {
      await pg.sql('create table e_resume (id int primary key)');
      await pg.sql('insert into e_resume select generate_series(1, 50)');
      const plan = planAddColumn(
        {
          table: 'e_resume',
          column: 'token',
          type: 'uuid',
          default: { sql: 'gen_random_uuid()' },
          notNull: true,
        },
        pg.server,
      );
      await runPlan(pg.db, { ...plan, steps: plan.steps.slice(0, 1) }, quiet);
      const report = await runPlan(pg.db, plan, quiet);
      assert.equal(report.steps[0]!.status, 'already-done');
      assert.ok(report.steps.slice(1).some((s) => s.status === 'applied'));
      const [n] = await pg.sql<{ n: string }>('select count(distinct token)::text as n from e_resume');
      assert.equal(n!.n, '50');
    });

    test('set not null interrupted after its first step: the rerun resumes on its own constraint', async () => {
      await pg.sql('create table e_nn_resume (id int primary key, v int)');
      await pg.sql('insert into e_nn_resume select g, g from generate_series(1, 50) g');
      const plan = planSetNotNull({ table: 'e_nn_resume', column: 'v' }, pg.server);
      await runPlan(pg.db, { ...plan, steps: plan.steps.slice(0, 1) }, quiet);
      const report = await runPlan(pg.db, plan, quiet);
      assert.equal(report.steps[0]!.status, 'already-done');
      await assert.rejects(pg.sql('insert into e_nn_resume values (51, null)'), /not-null|violates/);
      const [col] = await pg.sql<{ notnull: boolean }>(
        "select attnotnull as notnull from pg_attribute where attrelid = 'e_nn_resume'::regclass and attname = 'v'",
      );
      assert.equal(col!.notnull, true);
    });

    for (const c of EQUALS) {
      test(`${c.name} → every step already done`, async () => {
        for (const sql of c.setup) await pg.sql(sql);
        const before = await tableShape(pg, c.table);
        const plan = c.plan(pg.server);
        const report = await runPlan(pg.db, plan, quiet);
        assert.deepEqual(
          report.steps.map((s) => s.status),
          plan.steps.map(() => 'already-done'),
        );
        assert.deepEqual(await tableShape(pg, c.table), before);
      });
    }
  });
}
