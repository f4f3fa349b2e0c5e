import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quoteIdent } from '@ballast/core/adapter';
import {
  type PgServer,
  pgServers,
  pgTestDatabase,
  type SqlConnection,
  type TestDatabase,
} from '@ballast/testkit';
import knexFactory, { type Knex } from 'knex';
import { afterEach, test } from 'vitest';
import { ballast } from '../src/index.js';
import { CRASH_ENV } from './fixtures/crash/20240101000000_fill_and_index.js';
import { CHILD, LABEL_COL, NAME_COL, OBSOLETE_COL, PARENT, PARENT_REF, SCORE_COL } from './fixtures/names.js';
import { describeTable, tableExists } from './support/catalog.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const q = (name: string) => quoteIdent('postgres', name);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fresh database, a Knex on it and a plain connection for assertions. */
async function setup(server?: PgServer): Promise<{ db: TestDatabase; knex: Knex; conn: SqlConnection }> {
  const db = await pgTestDatabase('knexhelpers', server);
  const knex = knexFactory({ client: 'pg', connection: db.url, pool: { min: 0, max: 6 } });
  const conn = await db.connect();
  cleanups.push(async () => {
    await conn.close();
    await knex.destroy();
    await db.drop();
  });
  return { db, knex, conn };
}

const migrator = (dir: string) => ({ directory: join(fixtures, dir), loadExtensions: ['.ts'] });

async function createItems(conn: SqlConnection, rows: number): Promise<void> {
  await conn.query('create table items (id bigserial primary key, name text not null)');
  await conn.query(`insert into items (name) select 'item ' || g from generate_series(1, $1::int) g`, [rows]);
}

for (const server of pgServers())
  test(`[pg ${server.label}] every helper, up, down and up again, with hostile names that only ever reach SQL quoted`, async () => {
    const { knex, conn } = await setup(server);
    await conn.query('create table victim (id int)');
    await conn.query(`create table ${q(PARENT)} (id bigint primary key)`);
    await conn.query(`insert into ${q(PARENT)} select generate_series(1, 10)`);
    await conn.query(
      `create table ${q(CHILD)} (id bigserial primary key, ${q(NAME_COL)} text not null, ${q(PARENT_REF)} bigint,
       ${q(OBSOLETE_COL)} text not null default 'x')`,
    );
    await conn.query(
      `insert into ${q(CHILD)} (${q(NAME_COL)}, ${q(PARENT_REF)}) select 'n' || g, 1 + g % 10 from generate_series(1, 2000) g`,
    );
    const original = await describeTable(conn, CHILD);

    const applied = async () => {
      const shape = await describeTable(conn, CHILD);
      assert.deepEqual(shape.columns[LABEL_COL], {
        type: 'character varying(50)',
        notNull: true,
        default: "'it''s'::character varying",
      });
      assert.equal(shape.columns[SCORE_COL]?.notNull, true);
      assert.equal(shape.columns[OBSOLETE_COL], undefined, 'dropped column is gone, its values in a backup');
      const [backup] = await conn.query<{ n: string }>(
        "select count(*) as n from ballast_backups where source_column = $1 and status = 'ready'",
        [OBSOLETE_COL],
      );
      assert.equal(backup!.n, '1');
      assert.deepEqual(shape.constraints, {
        'child label"uq': 'u',
        'child parent"fk': 'f',
        [`${SCORE_COL} positive`]: 'c',
        [`${CHILD}_pkey`]: 'p',
      });
      assert.equal(shape.indexes['child name"idx'], 'valid');
      const [wrong] = await conn.query<{ n: string }>(
        `select count(*) as n from ${q(CHILD)} where ${q(SCORE_COL)} is distinct from length(${q(NAME_COL)})`,
      );
      assert.equal(wrong!.n, '0', 'backfill computed every row');
      assert.equal(await tableExists(conn, 'victim'), true);
    };

    const [, firstRun] = await knex.migrate.latest(migrator('helpers'));
    assert.deepEqual(firstRun, ['20240101000000_every_helper.ts']);
    await applied();

    await knex.migrate.rollback(migrator('helpers'));
    const rolledBack = await describeTable(conn, CHILD);
    assert.deepEqual(Object.keys(rolledBack.columns), Object.keys(original.columns));
    assert.deepEqual(rolledBack.constraints, original.constraints);
    assert.deepEqual(rolledBack.indexes, original.indexes);

    // A re-apply after a rollback runs every step again: the journal key changes per apply.
    await knex.migrate.latest(migrator('helpers'));
    await applied();
    const keys = await conn.query<{ migration: string }>(
      'select distinct migration from ballast_journal order by migration',
    );
    assert.deepEqual(
      keys.map((k) => k.migration),
      [
        '20240101000000_every_helper.ts#down@1',
        '20240101000000_every_helper.ts@1',
        '20240101000000_every_helper.ts@2',
      ],
    );
  });

test('a concurrent helper inside Knex’s migration transaction says which file to change and how', async () => {
  const { knex, conn } = await setup();
  await createItems(conn, 100);
  const error = await knex.migrate.latest(migrator('misuse')).then(
    () => assert.fail('the migration should have been refused'),
    (e: Error) => e,
  );
  assert.equal(error.name, 'WrongContextError');
  const file = 'packages/knex/test/fixtures/misuse/20240101000000_index_in_transaction.ts';
  assert.match(
    error.message,
    new RegExp(
      `^addIndexConcurrently\\("items", \\["name"\\]\\) at ${file}:8 cannot run inside the transaction Knex opened for this migration: step create-index:items_name_idx:create-index`,
    ),
  );
  assert.ok(
    error.message.includes(`add this line to ${file}:\n      export const config = { transaction: false };`),
    error.message,
  );
  // Knex rolled its transaction back: the column added before the refusal is gone too, and the
  // refused helper started nothing (no index, not even an INVALID one).
  const items = await describeTable(conn, 'items');
  assert.equal(items.columns.note, undefined);
  assert.deepEqual(items.indexes, {});
  assert.deepEqual(await conn.query('select name from knex_migrations'), []);
});

test('helpers that can run in a transaction share Knex’s migration transaction, commit and rollback', async () => {
  const { knex, conn } = await setup();
  await createItems(conn, 100);
  process.env.BALLAST_TEST_FAIL_IN_TRANSACTION = '1';
  try {
    await assert.rejects(knex.migrate.latest(migrator('in-transaction')), /division by zero/);
  } finally {
    delete process.env.BALLAST_TEST_FAIL_IN_TRANSACTION;
  }
  // The failure after the helpers rolled them back with Knex's transaction.
  assert.equal((await describeTable(conn, 'items')).columns.stock, undefined);

  await knex.migrate.latest(migrator('in-transaction'));
  const shape = await describeTable(conn, 'items');
  assert.deepEqual(shape.columns.stock, { type: 'integer', notNull: true, default: '0' });
  assert.equal(shape.constraints.items_stock_nonnegative, 'c');
  assert.deepEqual(await conn.query('select count(*)::int as n from items where stock = 5'), [{ n: 10 }]);

  await knex.migrate.rollback(migrator('in-transaction'));
  const back = await describeTable(conn, 'items');
  assert.equal(back.columns.stock, undefined);
  assert.equal(back.constraints.items_stock_nonnegative, undefined);
});

test('a migration that died half-way completes on rerun, skipping the steps it had finished', async () => {
  const { knex, conn } = await setup();
  await createItems(conn, 20_000);
  process.env[CRASH_ENV] = '1';
  try {
    await assert.rejects(knex.migrate.latest(migrator('crash')), /simulated crash after the backfill/);
  } finally {
    delete process.env[CRASH_ENV];
  }
  const half = await describeTable(conn, 'items');
  assert.equal(half.columns.name_length?.notNull, false);
  assert.deepEqual(await conn.query('select name from knex_migrations'), []);
  const firstRun = await conn.query<{ step_id: string; applied_at: Date }>(
    'select step_id, applied_at from ballast_journal order by applied_at',
  );
  assert.deepEqual(
    firstRun.map((r) => r.step_id),
    ['add-column:items.name_length:add', 'backfill:items(name_length)'],
  );

  await knex.migrate.latest(migrator('crash'));
  const done = await describeTable(conn, 'items');
  assert.equal(done.columns.name_length?.notNull, true);
  assert.equal(done.indexes.items_name_length_idx, 'valid');
  const [wrong] = await conn.query<{ n: string }>(
    'select count(*) as n from items where name_length is distinct from length(name)',
  );
  assert.equal(wrong!.n, '0');
  // The finished steps kept their first-run journal entries: they were skipped, not redone.
  const after = await conn.query<{ step_id: string; applied_at: Date }>(
    'select step_id, applied_at from ballast_journal where step_id = any($1) order by applied_at',
    [firstRun.map((r) => r.step_id)],
  );
  assert.deepEqual(after, firstRun);
  assert.deepEqual(await conn.query('select name from knex_migrations'), [
    { name: '20240101000000_fill_and_index.ts' },
  ]);

  // up() of a migration Knex has recorded meanwhile (a second deploy that lost the race for Knex's
  // lock by a hair) stops before changing anything instead of letting Knex record it twice.
  // Loaded as Knex loads migrations (Node's import, through tsx), so its stack is the one users see.
  const file = 'packages/knex/test/fixtures/crash/20240101000000_fill_and_index.ts';
  const importFile = createRequire(import.meta.url)('knex/lib/migrations/util/import-file.js') as (
    path: string,
  ) => Promise<{ up(knex: Knex): Promise<void> }>;
  const migration = await importFile(resolve(file));
  await assert.rejects(migration.up(knex), (error: Error) => {
    assert.equal(
      error.message.split('\n')[0],
      `safeAddColumn("items", "name_length", "integer") at ${file}:14: migration 20240101000000_fill_and_index.ts ` +
        "is already recorded in knex_migrations; another process applied it while this one waited for Knex's migration lock",
    );
    return true;
  });
});

test('dropColumn and dropTable refuse without confirmUnused, and keep the data in a backup with it', async () => {
  const { knex, conn } = await setup();
  await createItems(conn, 10);
  const b = ballast(knex, { progress: false, log: () => {}, migration: 'adhoc-drop' });
  await assert.rejects(b.dropColumn('items', 'name', {} as { confirmUnused: true }), {
    name: 'UnsafeOperationError',
    message: /drop column items\.name refused: confirmUnused is not true/,
  });
  await assert.rejects(b.dropTable('items', {} as { confirmUnused: true }), { name: 'UnsafeOperationError' });
  await b.dropTable('items', { confirmUnused: true });
  assert.equal(await tableExists(conn, 'items'), false);
  const [moved] = await conn.query<{ t: string }>(
    "select backup_schema || '.' || backup_table as t from ballast_backups where source_table = 'items' and kind = 'table'",
  );
  assert.ok(moved, 'the table was moved into ballast_backup, not destroyed');
  assert.deepEqual(await conn.query<{ n: string }>(`select count(*) as n from ${moved.t}`), [{ n: '10' }]);
});
