import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '@ballast/core';
import { type PgServer, pgServers, pgTestDatabase, type SqlConnection } from '@ballast/testkit';
import knexFactory from 'knex';
import { afterEach, test } from 'vitest';
import { ballast } from '../src/index.js';
import { describeCall } from '../src/messages.js';
import { describeTable } from './support/catalog.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const quiet = { progress: false, log: () => {} } as const;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fresh database with `items` (100 rows) and `parents`; Knex's warnings are collected. */
async function setup(server?: PgServer) {
  const db = await pgTestDatabase('knexargs', server);
  const warnings: string[] = [];
  const knex = knexFactory({
    client: 'pg',
    connection: db.url,
    pool: { min: 0, max: 4 },
    log: { warn: (message: string) => warnings.push(message) },
  });
  const conn = await db.connect();
  cleanups.push(async () => {
    await conn.close();
    await knex.destroy();
    await db.drop();
  });
  await conn.query('create table parents (id bigint primary key)');
  await conn.query(
    'create table items (id bigserial primary key, name text not null, parent_id bigint, label text)',
  );
  await conn.query(`insert into items (name) select 'item ' || g from generate_series(1, 100) g`);
  return { knex, conn, warnings };
}

/** Everything a helper could have changed: the table's shape, its rows, Ballast's own tables. */
async function snapshot(conn: SqlConnection) {
  const [rows] = await conn.query<{ digest: string }>(
    `select md5(string_agg(i::text, ',' order by id)) as digest from items i`,
  );
  const [own] = await conn.query<{ tables: string[] }>(
    `select coalesce(array_agg(relname::text order by relname), '{}') as tables from pg_class where relname like 'ballast%'`,
  );
  return { shape: await describeTable(conn, 'items'), rows: rows!.digest, ballastTables: own!.tables };
}

const refused = (argument: string, suggestion?: string) => (error: unknown) => {
  assert.ok(error instanceof InvalidArgumentError, String(error));
  assert.equal(error.argument, argument, error.message);
  assert.equal(error.suggestion, suggestion, error.message);
  assert.ok(error.message.includes(`${argument}: given `), error.message);
  return true;
};

for (const server of pgServers())
  test(`[pg ${server.label}] typos and wrong types are refused with the argument and a suggestion, before any SQL`, async () => {
    const { knex, conn } = await setup(server);
    const before = await snapshot(conn);
    const b = ballast(knex, quiet);
    const js = b as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const cases: [() => Promise<unknown>, string, string?][] = [
      [
        () => js.safeAddColumn!('items', 'stock', { type: 'integer', defualt: 0 }),
        'safeAddColumn spec.defualt',
        'default',
      ],
      [
        () => js.safeAddColumn!('items', 'stock', { type: 'integer', default: 0, notnull: true }),
        'safeAddColumn spec.notnull',
        'notNull',
      ],
      [
        () => js.addIndexConcurrently!('items', ['name'], { unqiue: true }),
        'addIndexConcurrently options.unqiue',
        'unique',
      ],
      [
        () =>
          js.addForeignKey!(
            'items',
            ['parent_id'],
            { table: 'parents', columns: ['id'] },
            { ondelete: 'cascade' },
          ),
        'addForeignKey options.ondelete',
        'onDelete',
      ],
      [
        () =>
          js.addForeignKey!(
            'items',
            ['parent_id'],
            { table: 'parents', columns: ['id'] },
            { onDelete: 'cascde' },
          ),
        'addForeignKey options.onDelete',
        'cascade',
      ],
      // `were` instead of `where` used to rewrite every row of the table.
      [() => js.backfill!('items', { label: "'x'" }, { were: 'id < 0' }), 'backfill options.were', 'where'],
      [
        () => js.dropTable!('items', { confirmUnused: true, retentiondays: 1 }),
        'dropTable options.retentiondays',
        'retentionDays',
      ],
      [
        () => js.renameColumn!({ table: 'items', shema: 'public' }, 'name', 'title'),
        'renameColumn table.shema',
        'schema',
      ],
      // Wrong types, null, empty names, arrays of non-strings, extra arguments.
      [() => js.addIndexConcurrently!('items', 'name'), 'addIndexConcurrently columns'],
      [() => js.addUnique!('items', [1]), 'addUnique columns[0]'],
      [() => js.safeAddColumn!('items', 'stock', null), 'safeAddColumn spec'],
      [() => js.safeAddColumn!('items', 'stock'), 'safeAddColumn spec'],
      [() => js.setNotNull!('items', 5), 'setNotNull column'],
      [() => js.addCheck!('items', '', 'true'), 'addCheck name'],
      [() => js.addCheck!(null, 'c', 'true'), 'addCheck table'],
      [
        () => js.changeColumnType!('items', 'parent_id', 'integer', { using: 7 }),
        'changeColumnType options.using',
      ],
      [() => js.dropColumn!('items', 'label'), 'dropColumn options'],
      [
        () => (b.reverse as unknown as typeof js).addCheck!('items', 'c', 'true', 'extra'),
        'reverse.addCheck',
      ],
    ];
    for (const [call, argument, suggestion] of cases) {
      await assert.rejects(call(), refused(argument, suggestion), argument);
    }
    const options = (o: unknown) => () => ballast(knex, o as never);
    assert.throws(options({ lockTimeoutMS: 100 }), refused('ballast options.lockTimeoutMS', 'lockTimeoutMs'));
    assert.throws(options({ lockTimeoutMs: -1 }), refused('ballast options.lockTimeoutMs'));
    assert.throws(options({ statementTimeoutMs: Number.NaN }), refused('ballast options.statementTimeoutMs'));
    assert.throws(
      options({ backfill: { initalBatchSize: 10 } }),
      refused('ballast options.backfill.initalBatchSize', 'initialBatchSize'),
    );
    assert.throws(options(null), refused('ballast options'));
    assert.throws(
      options({ waitForConflictingLock: false }),
      refused('ballast options.waitForConflictingLock', 'waitForConflictingLocks'),
    );
    assert.throws(
      options({ waitForConflictingLocks: 'no' }),
      refused('ballast options.waitForConflictingLocks'),
    );
    assert.doesNotThrow(options({ waitForConflictingLocks: false }));
    assert.deepEqual(await snapshot(conn), before, 'nothing ran: same table, same rows, no Ballast tables');
  });

test('one line per problem, each with what was given and what is allowed', async () => {
  const { knex } = await setup();
  const b = ballast(knex, quiet);
  const error = await (b.safeAddColumn as (...a: unknown[]) => Promise<unknown>)('items', 'stock', {
    type: 'integer',
    defualt: 0,
    notnull: true,
  }).catch((e: unknown) => e);
  assert.ok(error instanceof InvalidArgumentError);
  assert.deepEqual(
    error.problems.map((p) => p.argument),
    ['safeAddColumn spec.defualt', 'safeAddColumn spec.notnull'],
  );
  // First where the call was written, then one line per problem.
  const [at, first, second] = error.message.split('\n');
  assert.match(at!, /^refused at packages\/knex\/test\/arguments\.test\.ts:\d+:$/);
  assert.equal(
    first,
    '  safeAddColumn spec.defualt: given 0; allowed: one of the keys type, default, notNull. Did you mean `default`?',
  );
  assert.match(second!, /^ {2}safeAddColumn spec\.notnull: given true; .*Did you mean `notNull`\?$/);
  assert.match(error.details.where!, /^packages\/knex\/test\/arguments\.test\.ts:\d+$/);
});

for (const server of pgServers())
  test(`[pg ${server.label}] knex.raw with bindings and knex.fn.now() as defaults, in a backfill, a check and a type change`, async () => {
    const { knex, conn } = await setup(server);
    const b = ballast(knex, { ...quiet, migration: 'raws' });
    await b.safeAddColumn('items', 'token', { type: 'uuid', default: knex.raw('gen_random_uuid()') });
    await b.safeAddColumn('items', 'seen_at', { type: 'timestamptz', default: knex.fn.now(), notNull: true });
    await b.safeAddColumn('items', 'tag', { type: 'text', default: knex.raw('? || ?', ["it's ", 'new']) });
    const shape = await describeTable(conn, 'items');
    assert.equal(shape.columns.token?.default, 'gen_random_uuid()');
    assert.equal(shape.columns.seen_at?.default, 'CURRENT_TIMESTAMP');
    assert.equal(shape.columns.tag?.default, "('it''s '::text || 'new'::text)");
    const [filled] = await conn.query<{ tokens: string; seen: string; tags: string }>(
      `select count(distinct token)::text as tokens, count(seen_at)::text as seen,
              count(*) filter (where tag = 'it''s new')::text as tags from items`,
    );
    assert.deepEqual(filled, { tokens: '100', seen: '100', tags: '100' });

    const evil = "x'); drop table items; --";
    await b.backfill(
      'items',
      { label: knex.raw('? || id::text', [evil]) },
      { where: knex.raw('id <= ? and name <> ?', [10, evil]) },
    );
    const labels = await conn.query<{ id: string; label: string | null }>(
      'select id::text, label from items where id in (1, 10, 11) order by id',
    );
    assert.deepEqual(labels, [
      { id: '1', label: `${evil}1` },
      { id: '10', label: `${evil}10` },
      { id: '11', label: null },
    ]);
    await b.addCheck('items', 'items_name_not_evil', knex.raw('name <> ?', [evil]));
    assert.equal((await describeTable(conn, 'items')).constraints.items_name_not_evil, 'c');
    await assert.rejects(conn.query('insert into items (name) values ($1)', [evil]), /items_name_not_evil/);

    // using / reverseUsing of a type change, both ways through the sync trigger.
    await conn.query('update items set parent_id = id');
    await b.changeColumnType('items', 'parent_id', 'text', {
      using: knex.raw('(parent_id * ?)::text', [10]),
      reverseUsing: knex.raw('parent_id_new::bigint / ?', [10]),
    });
    await conn.query(`update items set parent_id_new = '420' where id = 6`);
    const converted = await conn.query<{ id: string; old: string; new: string }>(
      'select id::text, parent_id::text as old, parent_id_new as new from items where id in (5, 6) order by id',
    );
    assert.deepEqual(converted, [
      { id: '5', old: '5', new: '50' },
      { id: '6', old: '42', new: '420' },
    ]);
  });

test('a raw whose bindings cannot be literals is refused; describing any call never throws', async () => {
  const { knex, conn } = await setup();
  const b = ballast(knex, quiet);
  await assert.rejects(
    b.addCheck('items', 'c', knex.raw('name = any(?)', [['a', 'b']])),
    refused('addCheck expression.bindings[0]'),
  );
  await assert.rejects(
    b.safeAddColumn('items', 'tag', { type: 'text', default: knex.raw('?', [{ a: 1 }]) }),
    refused('safeAddColumn spec.default.bindings[0]'),
  );
  await assert.rejects(
    b.safeAddColumn('items', 'tag', { type: knex.raw('text') as unknown as string }),
    refused('safeAddColumn spec.type'),
  );
  const cyclic: Record<string, unknown> = { table: 'items' };
  cyclic.self = cyclic;
  const shown = describeCall('addCheck', [cyclic, 10n, knex.raw('id > ?', [1]), () => 1, Symbol('s')]);
  assert.equal(
    shown,
    'addCheck({ table: "items", self: [circular] }, 10n, raw("id > ?"), (t) => …, Symbol(s))',
  );
  // Inside Knex's transaction a concurrent build is refused; the message names the raw.
  await assert.rejects(
    knex.transaction((trx) =>
      ballast(trx, quiet).addIndexConcurrently('items', ['name'], { where: knex.raw('id > ?', [5]) }),
    ),
    {
      name: 'WrongContextError',
      message: /^addIndexConcurrently\("items", \["name"\], \{ where: raw\("id > \?"\) \}\)/,
    },
  );
  assert.deepEqual((await describeTable(conn, 'items')).indexes, {});
});

test('a failed step through knex.migrate.latest reports its own error, and Knex logs no "discarded" connection', async () => {
  const { knex, conn, warnings } = await setup();
  const error = await knex.migrate
    .latest({ directory: join(fixtures, 'failing'), loadExtensions: ['.ts'] })
    .then(
      () => assert.fail('the check must fail on existing rows'),
      (e: Error) => e,
    );
  assert.equal(error.name, 'StepFailedError');
  assert.match(error.message, /items_name_short/);
  // Knex's migrator logs the failure itself, and that comes first: no "Connection Error: discarded …".
  assert.deepEqual(warnings.slice(0, 1), ['migration file "20240101000000_short_names.ts" failed']);
  assert.equal(warnings.length, 2, warnings.join('\n'));
  assert.match(
    warnings[1]!,
    /^migration failed with error: step add-check:items\.items_name_short:validate failed/,
  );
  assert.deepEqual(await conn.query('select name from knex_migrations'), []);
  // The pool is healthy: the next migration run works on the same Knex.
  await conn.query('update items set name = left(name, 2)');
  await knex.migrate.latest({ directory: join(fixtures, 'failing'), loadExtensions: ['.ts'] });
  assert.equal((await describeTable(conn, 'items')).constraints.items_name_short, 'c');
  assert.equal(warnings.length, 2, warnings.join('\n'));
});
