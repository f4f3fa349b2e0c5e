/**
 * "Already done" means "exists as asked" on MariaDB too (BALLAST_SERVERS=postgres,mysql): an
 * object of the requested name that equals the request (as the server normalises it: `int` is
 * `int(11)`) makes the step already-done; one that only shares the name stops the plan with
 * ObjectConflictError before anything changes (SHOW CREATE TABLE is the same afterwards).
 */
import assert from 'node:assert/strict';
import {
  type MysqlServerInfo,
  ObjectConflictError,
  type Plan,
  planAddColumn,
  planAddForeignKey,
  planAddUnique,
  planCreateIndex,
  readServerInfo,
  runPlan,
} from '@ballast/core';
import { afterAll, beforeAll, test } from 'vitest';
import { type MysqlFixture, mysqlFixture } from './support/mysql.js';

let fx: MysqlFixture;
let server: MysqlServerInfo;
beforeAll(async () => {
  fx = await mysqlFixture('myexact');
  server = (await fx.db.withSession(readServerInfo)) as MysqlServerInfo;
});
afterAll(() => fx.close());

const quiet = { log: () => {}, lock: false } as const;
const q = (name: string) => `\`${name.replaceAll('`', '``')}\``;
const showCreate = async (table: string) =>
  (await fx.sql<Record<string, string>>(`show create table ${q(table)}`))[0]!['Create Table'];

interface Case {
  readonly name: string;
  readonly table: string;
  readonly setup: readonly string[];
  readonly plan: (server: MysqlServerInfo) => Plan;
  /** For conflicts: what the error's `existing` / `requested` show. */
  readonly existing?: RegExp;
  readonly requested?: RegExp;
}

const parentsNamed = (name: string) =>
  `create table ${name} (id int primary key, code int, unique key (code)) engine=InnoDB`;
const parents = parentsNamed('parents');

const EQUAL: Case[] = [
  {
    name: 'add column: `int` asked, `int(11)` there, same default and NOT NULL',
    table: 'e_col',
    setup: ['create table e_col (id int primary key, age int(11) not null default 7) engine=InnoDB'],
    plan: (s) =>
      planAddColumn({ table: 'e_col', column: 'age', type: 'int', default: { value: 7 }, notNull: true }, s),
  },
  {
    name: 'add column: a string default and an explicit character set',
    table: 'e_str',
    setup: [
      "create table e_str (id int primary key, tag varchar(10) character set latin1 default 'it''s') engine=InnoDB",
    ],
    plan: (s) =>
      planAddColumn(
        {
          table: 'e_str',
          column: 'tag',
          type: 'VARCHAR(10) CHARACTER SET latin1',
          default: { value: "it's" },
        },
        s,
      ),
  },
  {
    name: 'create index: same columns in the same order',
    table: 'e_idx',
    setup: ['create table e_idx (id int primary key, a int, b int, key e_idx_ab (a, b)) engine=InnoDB'],
    plan: (s) => planCreateIndex({ table: 'e_idx', columns: ['a', 'B'], name: 'E_IDX_AB' }, s),
  },
  {
    name: 'add unique: a unique index of that name on those columns',
    table: 'e_uniq',
    setup: ['create table e_uniq (id int primary key, a int, unique key e_uniq_a (a)) engine=InnoDB'],
    plan: (s) => planAddUnique({ table: 'e_uniq', columns: ['a'], name: 'e_uniq_a' }, s),
  },
  {
    name: 'add foreign key: same columns, reference and actions (omitted = RESTRICT)',
    table: 'e_fk',
    setup: [
      parents,
      'create table e_fk (id int primary key, p int, constraint e_fk_p foreign key (p) references parents (id)) engine=InnoDB',
    ],
    plan: (s) =>
      planAddForeignKey(
        { table: 'e_fk', columns: ['p'], references: { table: 'parents', columns: ['id'] }, name: 'e_fk_p' },
        s,
      ),
  },
];

const CONFLICTS: Case[] = [
  {
    name: 'add column: same name, another type',
    table: 'c_type',
    setup: [
      'create table c_type (id int primary key, age varchar(10))',
      "insert into c_type values (1, 'x')",
    ],
    plan: (s) => planAddColumn({ table: 'c_type', column: 'age', type: 'int' }, s),
    existing: /^varchar\(10\)$/,
    requested: /^int\(11\)$/,
  },
  {
    name: 'add column: same type, another default',
    table: 'c_def',
    setup: ['create table c_def (id int primary key, score int not null default 0)'],
    plan: (s) =>
      planAddColumn(
        { table: 'c_def', column: 'score', type: 'int', default: { value: 1 }, notNull: true },
        s,
      ),
    existing: /^int\(11\) DEFAULT 0 NOT NULL$/,
    requested: /^int\(11\) DEFAULT 1 NOT NULL$/,
  },
  {
    name: 'add column: same type, another nullability',
    table: 'c_null',
    setup: ['create table c_null (id int primary key, flag tinyint(1) not null default 0)'],
    plan: (s) => planAddColumn({ table: 'c_null', column: 'flag', type: 'bool', default: { value: 0 } }, s),
    existing: /^tinyint\(1\) DEFAULT 0 NOT NULL$/,
    requested: /^tinyint\(1\) DEFAULT 0$/,
  },
  {
    name: 'add column: another collation, when one is asked',
    table: 'c_coll',
    setup: ['create table c_coll (id int primary key, name varchar(20) collate utf8mb4_bin)'],
    plan: (s) =>
      planAddColumn({ table: 'c_coll', column: 'name', type: 'varchar(20) collate utf8mb4_general_ci' }, s),
    existing: /^varchar\(20\) COLLATE utf8mb4_bin$/,
    requested: /^varchar\(20\) COLLATE utf8mb4_general_ci$/,
  },
  {
    name: 'create index: same name, other columns',
    table: 'c_idx',
    setup: ['create table c_idx (id int primary key, a int, b int, key c_idx_i (a))'],
    plan: (s) => planCreateIndex({ table: 'c_idx', columns: ['b'], name: 'c_idx_i' }, s),
    existing: /^BTREE \(`a`\)$/,
    requested: /^BTREE \(`b`\)$/,
  },
  {
    name: 'create index: same columns in another order',
    table: 'c_order',
    setup: ['create table c_order (id int primary key, a int, b int, key c_order_i (a, b))'],
    plan: (s) => planCreateIndex({ table: 'c_order', columns: ['b', 'a'], name: 'c_order_i' }, s),
    existing: /^BTREE \(`a`, `b`\)$/,
    requested: /^BTREE \(`b`, `a`\)$/,
  },
  {
    name: 'create index: a prefix of the column',
    table: 'c_prefix',
    setup: ['create table c_prefix (id int primary key, s varchar(50), key c_prefix_i (s(10)))'],
    plan: (s) => planCreateIndex({ table: 'c_prefix', columns: ['s'], name: 'c_prefix_i' }, s),
    existing: /^BTREE \(`s`\(10\)\)$/,
    requested: /^BTREE \(`s`\)$/,
  },
  {
    name: 'create index: unique asked, a plain index there',
    table: 'c_uq',
    setup: ['create table c_uq (id int primary key, a int, key c_uq_i (a))'],
    plan: (s) => planCreateIndex({ table: 'c_uq', columns: ['a'], name: 'c_uq_i', unique: true }, s),
    existing: /^BTREE \(`a`\)$/,
    requested: /^UNIQUE BTREE \(`a`\)$/,
  },
  {
    name: 'add unique: the name is a plain index',
    table: 'c_key',
    setup: ['create table c_key (id int primary key, a int, key c_key_a (a))'],
    plan: (s) => planAddUnique({ table: 'c_key', columns: ['a'], name: 'c_key_a' }, s),
    existing: /^BTREE \(`a`\)$/,
    requested: /^UNIQUE BTREE \(`a`\)$/,
  },
  {
    name: 'add foreign key: same name, other referenced column',
    table: 'c_fk',
    setup: [
      parents,
      'create table c_fk (id int primary key, p int, constraint c_fk_p foreign key (p) references parents (code))',
    ],
    plan: (s) =>
      planAddForeignKey(
        { table: 'c_fk', columns: ['p'], references: { table: 'parents', columns: ['id'] }, name: 'c_fk_p' },
        s,
      ),
    existing: /^FOREIGN KEY \(`p`\) REFERENCES `parents` \(`code`\) ON DELETE RESTRICT ON UPDATE RESTRICT$/,
    requested: /^FOREIGN KEY \(`p`\) REFERENCES `parents` \(`id`\) ON DELETE NO ACTION/,
  },
  {
    name: 'add foreign key: same key, another ON DELETE',
    table: 'c_del',
    setup: [
      parents,
      'create table c_del (id int primary key, p int, constraint c_del_p foreign key (p) references parents (id) on delete cascade)',
    ],
    plan: (s) =>
      planAddForeignKey(
        {
          table: 'c_del',
          columns: ['p'],
          references: { table: 'parents', columns: ['id'] },
          name: 'c_del_p',
          onDelete: 'set null',
        },
        s,
      ),
    existing: /ON DELETE CASCADE ON UPDATE RESTRICT$/,
    requested: /ON DELETE SET NULL ON UPDATE NO ACTION$/,
  },
  {
    name: 'add foreign key: the name is a foreign key of another table (names are per database)',
    table: 'c_other',
    setup: [
      parents,
      'create table c_other (id int primary key, p int)',
      'create table c_elsewhere (id int primary key, p int, constraint c_other_p foreign key (p) references parents (id))',
    ],
    plan: (s) =>
      planAddForeignKey(
        {
          table: 'c_other',
          columns: ['p'],
          references: { table: 'parents', columns: ['id'] },
          name: 'c_other_p',
        },
        s,
      ),
    existing: /^a foreign key of c_elsewhere$/,
    requested: /^FOREIGN KEY \(`p`\) REFERENCES `parents` \(`id`\)/,
  },
];

// Children before the table they reference.
const reset = async (c: Case) => {
  const tables = [...EQUAL, ...CONFLICTS].map((k) => k.table);
  for (const t of [...tables, 'c_elsewhere', 'parents']) await fx.sql(`drop table if exists ${q(t)}`);
  for (const sql of c.setup) await fx.sql(sql);
};

test('an equal existing object: every step that would create it is already-done, nothing runs', async () => {
  for (const c of EQUAL) {
    if (c.table === 'e_fk' && server.flavor !== 'mariadb') continue;
    await reset(c);
    const before = await showCreate(c.table);
    const report = await runPlan(fx.db, c.plan(server), quiet);
    const creating = report.steps.filter((s) => /:(add|create-index)$/.test(s.id));
    assert.deepEqual(
      creating.map((s) => s.status),
      ['already-done'],
      c.name,
    );
    assert.equal(await showCreate(c.table), before, c.name);
  }
});

test('an object that only shares the name: ObjectConflictError naming both, table unchanged', async () => {
  for (const c of CONFLICTS) {
    if (/foreign key/.test(c.name) && server.flavor !== 'mariadb') continue;
    await reset(c);
    const before = await showCreate(c.table);
    const error = await runPlan(fx.db, c.plan(server), quiet).then(
      () => assert.fail(`${c.name}: the plan should have been refused`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ObjectConflictError, `${c.name}: ${String(error)}`);
    assert.match(error.existing, c.existing!, c.name);
    assert.match(error.requested, c.requested!, c.name);
    assert.match(error.message, /already exists with another definition/, c.name);
    assert.match(error.message, /Nothing was changed\./, c.name);
    assert.match(error.details.hint ?? '', /another name/, c.name);
    assert.equal(await showCreate(c.table), before, c.name);
  }
});

// A backquote, both quotes, a placeholder, a LIKE wildcard and a non-ASCII letter: only ever data.
const HOSTILE = 'h`o\'"s ?_%é';

test('hostile names: compared as data, equal is already-done, different is refused', async (t) => {
  if (server.flavor !== 'mariadb') return t.skip('the foreign key plan is MariaDB only');
  const table = `t${HOSTILE}`;
  const [col, idx, fk, uq] = [`c${HOSTILE}`, `i${HOSTILE}`, `f${HOSTILE}`, `u${HOSTILE}`];
  await fx.sql(`drop table if exists ${q(table)}`);
  await fx.sql('drop table if exists p_hostile');
  await fx.sql(parentsNamed('p_hostile'));
  await fx.sql(
    `create table ${q(table)} (id int primary key, ${q(col)} int, other int, key ${q(idx)} (${q(col)}),
       unique key ${q(uq)} (${q(col)}), constraint ${q(fk)} foreign key (${q(col)}) references p_hostile (id))`,
  );
  const before = await showCreate(table);
  const equal = [
    planAddColumn({ table, column: col, type: 'int' }, server),
    planCreateIndex({ table, columns: [col], name: idx }, server),
    planAddUnique({ table, columns: [col], name: uq }, server),
    planAddForeignKey(
      { table, columns: [col], references: { table: 'p_hostile', columns: ['id'] }, name: fk },
      server,
    ),
  ];
  for (const plan of equal) {
    const report = await runPlan(fx.db, plan, quiet);
    assert.deepEqual(
      report.steps.filter((s) => /:(add|create-index)$/.test(s.id)).map((s) => s.status),
      ['already-done'],
      plan.operation,
    );
  }
  const different = [
    planAddColumn({ table, column: col, type: 'bigint' }, server),
    planCreateIndex({ table, columns: ['other'], name: idx }, server),
    planAddUnique({ table, columns: ['other'], name: uq }, server),
    planAddForeignKey(
      { table, columns: ['other'], references: { table: 'p_hostile', columns: ['id'] }, name: fk },
      server,
    ),
  ];
  for (const plan of different) {
    const error = await runPlan(fx.db, plan, quiet).then(
      () => assert.fail(`${plan.operation}: should have been refused`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ObjectConflictError, String(error));
    assert.ok(error.message.includes(HOSTILE), error.message);
  }
  assert.equal(await showCreate(table), before);
});

test('names of 64 characters are compared whole; 65 are refused with IdentifierTooLongError, never cut', async (t) => {
  if (server.flavor !== 'mariadb') return t.skip('the foreign key plan is MariaDB only');
  // 64 characters, 128 bytes: MySQL's limit counts characters.
  const [col, idx, fk, uq] = ['c', 'i', 'f', 'u'].map((p) => p + 'é'.repeat(63)) as [
    string,
    string,
    string,
    string,
  ];
  await fx.sql('drop table if exists l64');
  await fx.sql('drop table if exists p_l64');
  await fx.sql(parentsNamed('p_l64'));
  await fx.sql(
    `create table l64 (id int primary key, ${q(col)} int, other int, key ${q(idx)} (${q(col)}), unique key ${q(uq)} (${q(col)}),
       constraint ${q(fk)} foreign key (${q(col)}) references p_l64 (id))`,
  );
  const before = await showCreate('l64');
  const fkOn = (column: string, name: string) =>
    planAddForeignKey(
      { table: 'l64', columns: [column], references: { table: 'p_l64', columns: ['id'] }, name },
      server,
    );
  for (const plan of [
    planAddColumn({ table: 'l64', column: col, type: 'int' }, server),
    planCreateIndex({ table: 'l64', columns: [col], name: idx }, server),
    planAddUnique({ table: 'l64', columns: [col], name: uq }, server),
    fkOn(col, fk),
  ]) {
    const report = await runPlan(fx.db, plan, quiet);
    assert.ok(
      report.steps.some((s) => s.status === 'already-done'),
      plan.operation,
    );
  }
  for (const plan of [
    planAddColumn({ table: 'l64', column: col, type: 'text' }, server),
    planCreateIndex({ table: 'l64', columns: ['other'], name: idx }, server),
    planAddUnique({ table: 'l64', columns: ['other'], name: uq }, server),
    fkOn('other', fk),
  ]) {
    await assert.rejects(runPlan(fx.db, plan, quiet), (e: Error) => e.name === 'ObjectConflictError');
  }
  for (const plan of [
    () => planAddColumn({ table: 'l64', column: `${col}x`, type: 'int' }, server),
    () => planCreateIndex({ table: 'l64', columns: ['other'], name: `${idx}x` }, server),
    () => planAddUnique({ table: 'l64', columns: ['other'], name: `${uq}x` }, server),
    () => fkOn('other', `${fk}x`),
  ]) {
    assert.throws(plan, (e: Error & { limit?: number; length?: number }) => {
      assert.equal(e.name, 'IdentifierTooLongError');
      assert.equal(e.limit, 64);
      assert.equal(e.length, 65);
      return true;
    });
  }
  assert.equal(await showCreate('l64'), before);
});
