/**
 * PostgreSQL keeps 63 bytes of a name and silently cuts the rest, so an over-long name acts on
 * whatever object carries the shorter name. Ballast refuses such names (bytes, not characters)
 * before anything runs, and the names it makes up itself stay within 63 bytes, distinct, working.
 */
import assert from 'node:assert/strict';
import {
  changeColumnType,
  contract,
  IdentifierTooLongError,
  planAddColumn,
  planAddForeignKey,
  planAddUnique,
  planCreateIndex,
  planDropColumn,
  planDropTable,
  renameColumn,
  runPlan,
} from '@ballast/core';
import { droppedColumnName, quoteIdent } from '@ballast/core/adapter';
import { pgServers } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { type PgFixture, pgFixture } from './support/pg.js';
import { tableShape } from './support/shape.js';

let pg: PgFixture;
const quiet = { log: () => {} };
const q = (name: string) => quoteIdent('postgres', name);
const bytes = (name: string) => Buffer.byteLength(name);

const A63 = 'a'.repeat(63);
const E31 = `${'é'.repeat(31)}a`; // 63 bytes
const E32 = 'é'.repeat(32); // 64 bytes, 32 characters

const columns = async (table: string) =>
  (
    await pg.sql<{ name: string }>(
      'select attname as name from pg_attribute where attrelid = to_regclass($1) and attnum > 0 and not attisdropped order by attnum',
      [q(table)],
    )
  ).map((r) => r.name);

function refused(fn: () => unknown, identifier: string, length: number): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof IdentifierTooLongError, String(error));
    assert.equal(error.identifier, identifier);
    assert.equal(error.length, length);
    assert.equal(error.limit, 63);
    assert.ok(error.message.includes(`is ${length} bytes long`), error.message);
    return true;
  });
}

for (const server of pgServers()) {
  describe(`identifier length on PostgreSQL (${server.label})`, () => {
    beforeAll(async () => {
      pg = await pgFixture('identlen', server);
    });
    afterAll(() => pg.close());

    test('63 bytes work; 64 bytes are refused before anything runs, multibyte counted in bytes', async () => {
      await pg.sql('create table len_t (id int primary key)');
      await runPlan(pg.db, planAddColumn({ table: 'len_t', column: A63, type: 'int' }, pg.server), quiet);
      await runPlan(pg.db, planAddColumn({ table: 'len_t', column: E31, type: 'int' }, pg.server), quiet);
      assert.deepEqual(await columns('len_t'), ['id', A63, E31]);
      const before = await tableShape(pg, 'len_t');
      refused(
        () => planAddColumn({ table: 'len_t', column: `${A63}b`, type: 'text' }, pg.server),
        `${A63}b`,
        64,
      );
      refused(() => planAddColumn({ table: 'len_t', column: E32, type: 'text' }, pg.server), E32, 64);
      refused(
        () => planCreateIndex({ table: 'len_t', columns: ['id'], name: `${A63}_idx` }, pg.server),
        `${A63}_idx`,
        67,
      );
      assert.deepEqual(await tableShape(pg, 'len_t'), before);
    });

    test('dropColumn of `<63 a>_legacy` is refused and `<63 a>` keeps its data', async () => {
      await pg.sql(`create table legacy_t (id int primary key, ${q(A63)} int not null)`);
      await pg.sql(`insert into legacy_t select g, g from generate_series(1, 10) g`);
      const legacy = `${A63}_legacy`;
      refused(
        () => planDropColumn({ table: 'legacy_t', column: legacy, confirmUnused: true }, pg.server),
        legacy,
        70,
      );
      assert.deepEqual(await columns('legacy_t'), ['id', A63]);
      const [sum] = await pg.sql<{ s: string }>(`select sum(${q(A63)})::text as s from legacy_t`);
      assert.equal(sum!.s, '55');
    });

    test('names Ballast makes up for long table and column names stay within 63 bytes, distinct, and work', async () => {
      const table = `${'t'.repeat(60)}_ok`; // 63 bytes
      const parent = `${'p'.repeat(60)}_ok`;
      const other = `${'a'.repeat(50)}${'b'.repeat(13)}`; // shares 50 bytes with A63
      await pg.sql(`create table ${q(parent)} (id int primary key)`);
      await pg.sql(`insert into ${q(parent)} select generate_series(1, 10)`);
      await pg.sql(
        `create table ${q(table)} (id int primary key, ${q(A63)} int, ${q(other)} int, ${q(E31)} int, pid int)`,
      );
      await pg.sql(`insert into ${q(table)} select g, g, g, g, 1 + g % 10 from generate_series(1, 100) g`);
      await runPlan(pg.db, planCreateIndex({ table, columns: [A63] }, pg.server), quiet);
      await runPlan(pg.db, planCreateIndex({ table, columns: [other] }, pg.server), quiet);
      await runPlan(pg.db, planAddUnique({ table, columns: [A63] }, pg.server), quiet);
      await runPlan(
        pg.db,
        planAddForeignKey(
          { table, columns: ['pid'], references: { table: parent, columns: ['id'] } },
          pg.server,
        ),
        quiet,
      );
      const names = await pg.sql<{ name: string }>(
        `select c.relname as name from pg_index i join pg_class c on c.oid = i.indexrelid
          where i.indrelid = to_regclass($1) and not i.indisprimary
         union all select conname from pg_constraint where conrelid = to_regclass($1) and contype in ('u', 'f')`,
        [q(table)],
      );
      const made = names.map((n) => n.name);
      assert.equal(made.length, 6, made.join(', ')); // 2 indexes, unique key + its index, FK + its index
      for (const name of made) assert.ok(bytes(name) <= 63, name);
      assert.equal(new Set(made).size, 5); // the unique constraint and its index share a name

      // Set-aside names of two long columns that share their first 50 bytes stay apart.
      assert.notEqual(droppedColumnName(A63), droppedColumnName(other));
      await runPlan(pg.db, planDropColumn({ table, column: A63, confirmUnused: true }, pg.server), quiet);
      await runPlan(pg.db, planDropColumn({ table, column: other, confirmUnused: true }, pg.server), quiet);
      const cols = await columns(table);
      assert.ok(
        cols.includes(droppedColumnName(A63)) && cols.includes(droppedColumnName(other)),
        cols.join(', '),
      );

      // `<column>_new` of a 63-byte column is not the column itself; the sync trigger and function fit too.
      await changeColumnType(pg.db, { table, column: E31, newType: 'bigint' }, quiet);
      const renamed = `${'r'.repeat(63)}`;
      await renameColumn(pg.db, { table, from: 'pid', to: renamed }, quiet);
      const after = await columns(table);
      const added = after.filter((c) => !cols.includes(c));
      assert.equal(added.length, 2, added.join(', '));
      assert.ok(added.includes(renamed));
      const typeNew = added.find((c) => c !== renamed)!;
      assert.ok(bytes(typeNew) <= 63 && typeNew !== E31 && typeNew.endsWith('_new'), typeNew);
      const [diff] = await pg.sql<{ n: string }>(
        `select count(*)::text as n from ${q(table)} where ${q(typeNew)} is distinct from ${q(E31)}::bigint or ${q(renamed)} is distinct from pid`,
      );
      assert.equal(diff!.n, '0');
      const triggers = await pg.sql<{ name: string }>(
        'select tgname as name from pg_trigger where tgrelid = to_regclass($1) and not tgisinternal',
        [q(table)],
      );
      assert.equal(triggers.length, 2);
      for (const t of triggers) assert.ok(bytes(t.name) <= 63, t.name);
      await contract(pg.db, { table, column: E31 }, quiet);
      assert.ok(!(await columns(table)).includes(E31));
    });

    test('the reverse of a drop finds long names set aside by older versions (plain cut, no hash)', async () => {
      const table = 'legacy_aside';
      await pg.sql(`create table ${table} (id int primary key, ${q(A63)} int)`);
      await pg.sql(`insert into ${table} select g, g * 2 from generate_series(1, 20) g`);
      const plan = planDropColumn({ table, column: A63, confirmUnused: true }, pg.server);
      const reverse = { ...plan, steps: plan.reverse, reverse: [] };
      // What an older Ballast did: `ballast_dropped_<column>` cut to 63 bytes, no hash.
      const oldAside = `ballast_dropped_${A63}`.slice(0, 63);
      await pg.sql(`alter table ${table} rename column ${q(A63)} to ${q(oldAside)}`);
      await runPlan(pg.db, reverse, quiet);
      const [sum] = await pg.sql<{ n: string }>(`select sum(${q(A63)})::text as n from ${table}`);
      assert.equal(sum!.n, '420');
      // Today's set-aside name still comes back the same way, and a rerun is a no-op.
      await runPlan(pg.db, plan, quiet);
      assert.ok((await columns(table)).includes(droppedColumnName(A63)));
      await runPlan(pg.db, reverse, quiet);
      assert.ok((await runPlan(pg.db, reverse, quiet)).steps.every((st) => st.status === 'already-done'));
      assert.deepEqual(await columns(table), ['id', A63]);

      const long = `t${'b'.repeat(59)}`;
      const droppedAt = new Date('2025-03-04T05:06:07Z');
      await pg.sql(`create table ${q(long)} (id int primary key)`);
      await pg.sql(`insert into ${q(long)} select generate_series(1, 5)`);
      const drop = planDropTable({ table: long, confirmUnused: true, droppedAt }, pg.server);
      await pg.sql(
        `alter table ${q(long)} rename to ${q(`${`ballast_dropped_${long}`.slice(0, 48)}_20250304050607`)}`,
      );
      await runPlan(pg.db, { ...drop, steps: drop.reverse, reverse: [] }, quiet);
      const [rows] = await pg.sql<{ n: string }>(`select count(*)::text as n from ${q(long)}`);
      assert.equal(rows!.n, '5');
    });
  });
}
