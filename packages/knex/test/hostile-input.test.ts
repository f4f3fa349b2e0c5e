import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quoteIdent } from '@ballast/core/adapter';
import { pgServers, pgTestDatabase, type SqlConnection } from '@ballast/testkit';
import knexFactory from 'knex';
import { afterEach, test } from 'vitest';
import {
  FUZZ_BACKFILL_PREFIX,
  FUZZ_DROPPED,
  FUZZ_DROPPED_TABLE,
  FUZZ_FILLED,
  FUZZ_PARENT,
  FUZZ_PARENT_REF,
  FUZZ_RENAMED_FROM,
  FUZZ_RENAMED_TO,
  FUZZ_RETYPED,
  FUZZ_TABLE,
  fuzzColumn,
  HOSTILE_VALUES,
} from './fixtures/names.js';
import { describeTable, tableExists } from './support/catalog.js';

const q = (name: string) => quoteIdent('postgres', name);
/** Written here by hand for the setup, in a session with standard_conforming_strings on. */
const standardString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const DROPPED_DEFAULT = "C:\\new'; drop table victims; --";
const RENAMED_DEFAULT = "\\'; drop table victims; --";
const migrations = {
  directory: join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'hostile'),
  loadExtensions: ['.ts'],
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function createTables(conn: SqlConnection): Promise<void> {
  await conn.query('set standard_conforming_strings = on');
  await conn.query('create table victims (id int); insert into victims values (1)');
  await conn.query(
    `create table ${q(FUZZ_PARENT)} (id bigint primary key); insert into ${q(FUZZ_PARENT)} values (1)`,
  );
  await conn.query(
    `create table ${q(FUZZ_TABLE)} (id bigserial primary key, name text not null, ${q(FUZZ_PARENT_REF)} bigint,
       ${q(FUZZ_DROPPED)} text default ${standardString(DROPPED_DEFAULT)},
       ${q(FUZZ_RENAMED_FROM)} text default ${standardString(RENAMED_DEFAULT)},
       ${q(FUZZ_RETYPED)} text default ${standardString(DROPPED_DEFAULT)})`,
  );
  await conn.query(
    `insert into ${q(FUZZ_TABLE)} (name, ${q(FUZZ_PARENT_REF)}, ${q(FUZZ_DROPPED)}, ${q(FUZZ_RENAMED_FROM)})
     select 'n' || g, 1, 'kept \\ ' || g, 'note '' ' || g from generate_series(1, 50) g`,
  );
  await conn.query(`create table ${q(FUZZ_DROPPED_TABLE)} (id int primary key, v text)`);
  await conn.query(`insert into ${q(FUZZ_DROPPED_TABLE)} values (1, $1)`, [DROPPED_DEFAULT]);
  await conn.query('reset standard_conforming_strings');
}

/** A row inserted with every default: what the database, not the SQL text, says the defaults are. */
async function freshRow(
  conn: SqlConnection,
  values: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const names = Object.keys(values);
  const [row] = await conn.query<Record<string, unknown>>(
    `insert into ${q(FUZZ_TABLE)} (${names.map(q).join(', ')}) values (${names.map((_, i) => `$${i + 1}`).join(', ')})
     returning *`,
    Object.values(values),
  );
  return row!;
}

async function assertVictimsSurvive(conn: SqlConnection): Promise<void> {
  assert.equal(await tableExists(conn, 'victims'), true, 'the canary table survives');
  assert.deepEqual(await conn.query('select id from victims'), [{ id: 1 }]);
}

for (const server of pgServers())
  for (const scs of ['on', 'off'] as const)
    test(`[pg ${server.label}] standard_conforming_strings=${scs}: hostile values and names through every Knex helper stay data, byte-exact`, async () => {
      const db = await pgTestDatabase('hostile', server);
      const admin = await db.connect();
      await admin.query(`alter database ${q(db.name)} set standard_conforming_strings = ${scs}`);
      await admin.close();
      const conn = await db.connect();
      const knex = knexFactory({ client: 'pg', connection: db.url, pool: { min: 0, max: 6 } });
      cleanups.push(async () => {
        await conn.close();
        await knex.destroy();
        await db.drop();
      });
      const [setting] = await conn.query<{ v: string }>(
        "select current_setting('standard_conforming_strings') as v",
      );
      assert.equal(setting!.v, scs, 'new sessions of this database get the setting under test');
      await createTables(conn);
      const original = await describeTable(conn, FUZZ_TABLE);

      await knex.migrate.latest(migrations);
      await assertVictimsSurvive(conn);
      const row = await freshRow(conn, { name: 'fresh', [FUZZ_PARENT_REF]: 1, [FUZZ_FILLED]: 'given' });
      const old = (
        await conn.query<Record<string, unknown>>(`select * from ${q(FUZZ_TABLE)} where name = 'n1'`)
      )[0]!;
      for (const [i, v] of HOSTILE_VALUES.entries()) {
        for (const way of ['shortcut', 'value', 'knex', 'tx'] as const) {
          assert.equal(row[fuzzColumn(way, i)], v, `new row, ${way} default #${i}`);
          assert.equal(old[fuzzColumn(way, i)], v, `existing row, ${way} default #${i}`);
        }
      }
      assert.equal(row[FUZZ_RENAMED_TO], RENAMED_DEFAULT, 'contract moved the default byte-exact');
      const retyped = DROPPED_DEFAULT.replace('C:\\new', 'D:\\new');
      assert.equal(
        row[`${FUZZ_RETYPED}_new`],
        retyped,
        "the sync trigger's 'C:\\new' is a backslash and an n",
      );
      assert.equal(old[`${FUZZ_RETYPED}_new`], retyped, 'the backfill converted existing values');
      assert.equal(old[FUZZ_RENAMED_TO], "note ' 1", 'expand copied the values');
      const [wrongFill] = await conn.query<{ n: string }>(
        `select count(*) as n from ${q(FUZZ_TABLE)} where name <> 'fresh' and ${q(FUZZ_FILLED)} is distinct from $1 || name`,
        [FUZZ_BACKFILL_PREFIX],
      );
      assert.equal(wrongFill!.n, '0', "the backfill's 'C:\\new ' is a backslash and an n, in every row");
      await assert.rejects(freshRow(conn, { name: 'checked', [FUZZ_FILLED]: 'a\\b' }), { code: '23514' });
      await conn.query('set standard_conforming_strings = on');
      const [pred] = await conn.query<{ p: string }>(
        'select pg_get_expr(indpred, indrelid) as p from pg_index where indexrelid = to_regclass($1)',
        [q(`idx "select" ü`)],
      );
      await conn.query('reset standard_conforming_strings');
      assert.equal(pred!.p, `(${q(FUZZ_FILLED)} <> 'x\\y'::text)`);
      assert.equal((await describeTable(conn, FUZZ_TABLE)).columns[FUZZ_DROPPED], undefined);
      assert.equal(await tableExists(conn, FUZZ_DROPPED_TABLE), false);

      await knex.migrate.rollback(migrations, true);
      await assertVictimsSurvive(conn);
      // A restored column comes back last: compare the sets of columns.
      assert.deepEqual(
        Object.keys((await describeTable(conn, FUZZ_TABLE)).columns).sort(),
        Object.keys(original.columns).sort(),
      );
      const back = await freshRow(conn, { name: 'after rollback' });
      assert.equal(back[FUZZ_DROPPED], DROPPED_DEFAULT, 'restored default byte-exact');
      assert.equal(back[FUZZ_RENAMED_FROM], RENAMED_DEFAULT, 'the old column keeps its default');
      const [wrongRestore] = await conn.query<{ n: string }>(
        `select count(*) as n from ${q(FUZZ_TABLE)} where name like 'n%' and ${q(FUZZ_DROPPED)} is distinct from $1 || id`,
        ['kept \\ '],
      );
      assert.equal(wrongRestore!.n, '0', 'restored values byte-exact');
      assert.deepEqual(await conn.query(`select id, v from ${q(FUZZ_DROPPED_TABLE)}`), [
        { id: 1, v: DROPPED_DEFAULT },
      ]);
    });
