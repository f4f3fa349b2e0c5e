/**
 * Expand/contract on MariaDB (BALLAST_SERVERS=postgres,mysql): renameColumn and changeColumnType
 * add the new column beside the old one, kept equal both ways by BEFORE triggers, filled in
 * checkpointed batches; contract keeps the old values in a backup and drops column and triggers;
 * every reverse brings the previous state back.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  changeColumnType,
  contract,
  listBackups,
  onlineCopy,
  pendingContractions,
  renameColumn,
  undoContract,
  undoExpand,
  verifyExpansion,
} from '@ballast/core';
import { startTraffic, type Workload } from '@ballast/testkit';
import { afterAll, beforeAll, test } from 'vitest';
import { type MysqlFixture, mysqlFixture } from './support/mysql.js';

const CHILD = fileURLToPath(new URL('./fixtures/mysql-expand-child.ts', import.meta.url));
const quiet = { lock: false, log: () => {} } as const;

let fx: MysqlFixture;
beforeAll(async () => {
  fx = await mysqlFixture('myexpand');
});
afterAll(() => fx.close());

const triggersOf = async (table: string) =>
  (
    await fx.sql<{ n: string }>(
      'select TRIGGER_NAME as n from information_schema.TRIGGERS where TRIGGER_SCHEMA = database() and EVENT_OBJECT_TABLE = ? order by 1',
      [table],
    )
  ).map((r) => r.n);

const columnsOf = async (table: string) =>
  (
    await fx.sql<{ c: string; t: string; n: string; d: string | null }>(
      `select COLUMN_NAME as c, COLUMN_TYPE as t, IS_NULLABLE as n, COLUMN_DEFAULT as d from information_schema.COLUMNS
        where TABLE_SCHEMA = database() and TABLE_NAME = ? order by ORDINAL_POSITION`,
      [table],
    )
  ).map(
    (r) =>
      `${r.c} ${r.t}${r.n === 'NO' ? ' not null' : ''}${r.d !== null && r.d !== 'NULL' ? ` default ${r.d}` : ''}`,
  );

const indexesOf = async (table: string) =>
  (
    await fx.sql<{ i: string; c: string; u: number }>(
      `select INDEX_NAME as i, COLUMN_NAME as c, NON_UNIQUE as u from information_schema.STATISTICS
        where TABLE_SCHEMA = database() and TABLE_NAME = ? and INDEX_NAME <> 'PRIMARY' order by 1`,
      [table],
    )
  ).map((r) => `${r.i}(${r.c})${Number(r.u) === 0 ? ' unique' : ''}`);

/**
 * Three writers, each owning ids ≡ client (mod 3) so the final content is known: `columnOf(client)`
 * says which column a client writes (the old name for an old-version client, the new one for a
 * new-version client); `expected` follows every write as it is sent.
 */
let n = 0;
function writers(
  table: string,
  rows: number,
  columnOf: (client: number) => string,
  expected: Map<number, string>,
): Workload {
  const own = (client: number, r: number) => 3 * r + client;
  return {
    weights: { insert: 1, update: 3 },
    queries: {
      insert: (c) => {
        const id = 1_000_000 + 3 * n++ + c.client;
        const v = `i${id}`;
        expected.set(id, v);
        return {
          sql: `insert into \`${table}\` (id, \`${columnOf(c.client)}\`) values ($1, $2)`,
          params: [id, v],
        };
      },
      update: (c) => {
        const id = own(c.client, c.randomInt(Math.floor(rows / 3) - 1));
        const v = `u${id}.${n++}`;
        expected.set(id, v);
        return {
          sql: `update \`${table}\` set \`${columnOf(c.client)}\` = $1 where id = $2`,
          params: [v, id],
        };
      },
    },
  };
}

test('renameColumn expands under 3 writers, old and new names both see every write; contract keeps every value; reverses restore', async () => {
  const rows = 20_000;
  await fx.sql(
    "create table people (id int primary key, nick varchar(40) not null default 'anon', age int, key people_nick_idx (nick)) engine=InnoDB",
  );
  await fx.sql(
    `insert into people (id, nick, age) select seq, concat('n', seq), seq % 90 from seq_1_to_${rows}`,
  );
  const expected = new Map<number, string>(Array.from({ length: rows }, (_, i) => [i + 1, `n${i + 1}`]));

  // Expand while three old-version clients write the old name.
  const before = await startTraffic({
    url: fx.test.url,
    clients: 3,
    workload: writers('people', rows, () => 'nick', expected),
  });
  const report = await renameColumn(
    fx.db,
    { table: 'people', from: 'nick', to: 'handle' },
    { ...quiet, backfill: { initialBatchSize: 500, maxBatchSize: 500 } },
  );
  const during = await before.stop();
  assert.equal(during.errors.length, 0, during.summary());
  assert.ok(report.steps.some((s) => s.id.endsWith(':sync-trigger-insert') && s.status === 'applied'));
  assert.deepEqual(await columnsOf('people'), [
    'id int(11) not null',
    "nick varchar(40) not null default 'anon'",
    'age int(11)',
    'handle varchar(40) not null',
  ]);
  assert.deepEqual(await indexesOf('people'), ['people_handle_idx(handle)', 'people_nick_idx(nick)']);
  assert.equal((await triggersOf('people')).length, 2);

  // Old and new version side by side: client 0 writes nick, 1 writes handle, 2 alternates.
  const mixed = await startTraffic({
    url: fx.test.url,
    clients: 3,
    workload: writers(
      'people',
      rows,
      (c) => (c === 1 || (c === 2 && Math.random() < 0.5) ? 'handle' : 'nick'),
      expected,
    ),
  });
  while (mixed.completed() < 600) await new Promise((r) => setTimeout(r, 20));
  const side = await mixed.stop();
  assert.equal(side.errors.length, 0, side.summary());
  // Inserts relying on the default, from either version.
  await fx.sql('insert into people (id) values (2000000)');
  expected.set(2_000_000, 'anon');
  const check = async (column: string) => {
    const got = await fx.sql<{ id: number; v: string }>(
      `select id, \`${column}\` as v from people order by id`,
    );
    assert.equal(got.length, expected.size);
    const wrong = got.filter((r) => expected.get(Number(r.id)) !== r.v);
    assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} rows differ on ${column}`);
  };
  await check('nick');
  await check('handle');

  assert.deepEqual(
    (await pendingContractions(fx.db, { table: 'people' })).map((e) => [e.kind, e.oldColumn, e.newColumn]),
    [['rename-column', 'nick', 'handle']],
  );
  // The same expand again is a rerun: nothing changes.
  await renameColumn(fx.db, { table: 'people', from: 'nick', to: 'handle' }, quiet);
  // An online copy of the table cannot carry the sync triggers: refused, named.
  await assert.rejects(
    onlineCopy(fx.db, { table: 'people', alter: ['MODIFY `age` BIGINT'] }),
    /triggers of its own/,
  );
  // ballast verify is PostgreSQL-only, and says so.
  await assert.rejects(
    verifyExpansion(fx.db, { table: 'people', column: 'nick' }),
    /runs on PostgreSQL only/,
  );

  const contracted = await contract(
    fx.db,
    { table: 'people', column: 'handle' },
    { ...quiet, ignoreVerifyMismatches: true },
  );
  assert.deepEqual(await columnsOf('people'), [
    'id int(11) not null',
    'age int(11)',
    "handle varchar(40) not null default 'anon'",
  ]);
  assert.deepEqual(await triggersOf('people'), []);
  assert.deepEqual(await indexesOf('people'), ['people_handle_idx(handle)']);
  await check('handle');
  const backup = (await listBackups(fx.db, { table: 'people', column: 'nick' })).at(-1);
  assert.equal(backup?.id, contracted.backupId);
  assert.deepEqual(await pendingContractions(fx.db, { table: 'people' }), []);
  // A new-version insert after the contract: the undo must give it its old value from handle.
  await fx.sql("insert into people (id, handle) values (2000001, 'late')");
  expected.set(2_000_001, 'late');

  await undoContract(fx.db, { table: 'people', column: 'nick' }, quiet);
  assert.deepEqual(await columnsOf('people'), [
    'id int(11) not null',
    'age int(11)',
    'handle varchar(40) not null',
    "nick varchar(40) not null default 'anon'",
  ]);
  assert.deepEqual(await indexesOf('people'), ['people_handle_idx(handle)', 'people_nick_idx(nick)']);
  assert.equal((await triggersOf('people')).length, 2);
  await check('nick');
  await fx.sql("update people set nick = 'again' where id = 5");
  assert.deepEqual(await fx.sql('select handle from people where id = 5'), [{ handle: 'again' }]);
  expected.set(5, 'again');

  await undoExpand(fx.db, { table: 'people', column: 'nick' }, quiet);
  assert.deepEqual(await columnsOf('people'), [
    'id int(11) not null',
    'age int(11)',
    "nick varchar(40) not null default 'anon'",
  ]);
  assert.deepEqual(await triggersOf('people'), []);
  await check('nick');
  assert.deepEqual(await pendingContractions(fx.db), []);
  // Expanded again after the undo: filled again, from the first row.
  await renameColumn(fx.db, { table: 'people', from: 'nick', to: 'handle' }, quiet);
  await check('handle');
});

test('changeColumnType with newColumn/using/reverseUsing expands on MySQL; conversions keep NULL; refusals change nothing', async () => {
  await fx.sql('create table prices (id int primary key, price int, sku varchar(10) unique) engine=InnoDB');
  await fx.sql(
    "insert into prices select seq, if(seq % 7 = 0, null, seq), concat('s', seq) from seq_1_to_2000",
  );
  const options = { newColumn: 'price_cents', using: 'price * 100', reverseUsing: 'price_cents div 100' };
  await assert.rejects(
    changeColumnType(
      fx.db,
      { table: 'prices', column: 'price', newType: 'BIGINT', ...options, using: 'coalesce(price, 0)' },
      quiet,
    ),
    (error: Error) =>
      error.name === 'UnsafeOperationError' &&
      /`using` \(coalesce\(price, 0\)\) turns NULL into a value/.test(error.message),
  );
  await assert.rejects(
    changeColumnType(fx.db, { table: 'prices', column: 'id', newType: 'BIGINT', newColumn: 'id2' }, quiet),
    /cannot be expanded: it is part of the primary key/,
  );
  await assert.rejects(
    changeColumnType(fx.db, { table: 'prices', column: 'price', newType: 'BIGINT', newColumn: 'sku' }, quiet),
    (error: Error) =>
      error.name === 'ObjectConflictError' && /prices\.sku already exists and holds data/.test(error.message),
  );
  assert.deepEqual(await columnsOf('prices'), ['id int(11) not null', 'price int(11)', 'sku varchar(10)']);
  assert.deepEqual(await triggersOf('prices'), []);

  // A misspelt option is refused before any change.
  await assert.rejects(
    changeColumnType(
      fx.db,
      { table: 'prices', column: 'price', newType: 'BIGINT', ...options, reverseUsng: 'x' } as never,
      quiet,
    ),
    (error: Error) => error.name === 'InvalidArgumentError' && /reverseUsng/.test(error.message),
  );
  await changeColumnType(fx.db, { table: 'prices', column: 'price', newType: 'BIGINT', ...options }, quiet);
  assert.deepEqual(await fx.sql('select count(*) as n from prices where not (price_cents <=> price * 100)'), [
    { n: 0 },
  ]);
  await fx.sql('insert into prices (id, price_cents) values (5000, 1234)');
  await fx.sql('update prices set price = 3 where id = 1');
  assert.deepEqual(
    await fx.sql('select id, price, price_cents from prices where id in (1, 5000) order by id'),
    [
      { id: 1, price: 3, price_cents: 300 },
      { id: 5000, price: 12, price_cents: 1234 },
    ],
  );
  // A second expansion of the same column is refused while this one is open.
  await assert.rejects(
    renameColumn(fx.db, { table: 'prices', from: 'price', to: 'cost' }, quiet),
    (error: Error) => error.name === 'ObjectConflictError' && /already being expanded/.test(error.message),
  );
  await contract(fx.db, { table: 'prices', column: 'price' }, quiet);
  assert.deepEqual(await columnsOf('prices'), [
    'id int(11) not null',
    'sku varchar(10)',
    'price_cents bigint(20)',
  ]);
  assert.deepEqual(await fx.sql('select sum(price_cents) as s from prices'), [{ s: '171572934' }]);
  await undoContract(fx.db, { table: 'prices', column: 'price_cents' }, quiet);
  assert.deepEqual(await fx.sql('select count(*) as n from prices where not (price_cents <=> price * 100)'), [
    { n: 1 },
  ]);
  await undoExpand(fx.db, { table: 'prices', column: 'price' }, quiet);
  // The old column came back from its backup at the end of the table.
  assert.deepEqual(await columnsOf('prices'), ['id int(11) not null', 'sku varchar(10)', 'price int(11)']);
  assert.deepEqual(await fx.sql('select count(*) as n, count(price) as p, sum(price) as s from prices'), [
    { n: 2001, p: 1716, s: '1715729' },
  ]);
});

test('a fill that meets a value the new type cannot hold takes the triggers and the new column away again', async () => {
  await fx.sql('create table codes (id int primary key, code varchar(10)) engine=InnoDB');
  await fx.sql("insert into codes select seq, if(seq = 700, 'x700', seq) from seq_1_to_1000");
  await assert.rejects(
    changeColumnType(fx.db, { table: 'codes', column: 'code', newType: 'INT', newColumn: 'code_int' }, quiet),
    /Incorrect integer value/,
  );
  assert.deepEqual(await columnsOf('codes'), ['id int(11) not null', 'code varchar(10)']);
  assert.deepEqual(await triggersOf('codes'), []);
  assert.deepEqual(await pendingContractions(fx.db, { table: 'codes' }), []);
  // Data fixed, the rerun starts over and completes.
  await fx.sql("update codes set code = '700' where id = 700");
  await changeColumnType(
    fx.db,
    { table: 'codes', column: 'code', newType: 'INT', newColumn: 'code_int' },
    quiet,
  );
  assert.deepEqual(await fx.sql('select count(*) as n, sum(code_int) as s from codes'), [
    { n: 1000, s: '500500' },
  ]);
});

test('hostile and 64-byte names: quoted everywhere, trigger names fit', async () => {
  const table = 'we`ird "t" ☃';
  const from = 'x'.repeat(64);
  const to = `n\`é'${'y'.repeat(56)}`;
  const q = (n: string) => `\`${n.replaceAll('`', '``')}\``;
  await fx.sql(`create table ${q(table)} (id int primary key, ${q(from)} int not null) engine=InnoDB`);
  await fx.sql(`insert into ${q(table)} select seq, seq from seq_1_to_100`);
  await renameColumn(fx.db, { table, from, to }, quiet);
  const triggers = await triggersOf(table);
  assert.equal(triggers.length, 2);
  assert.ok(
    triggers.every((t) => Buffer.byteLength(t) <= 64),
    triggers.join(', '),
  );
  await fx.sql(`insert into ${q(table)} (id, ${q(to)}) values (101, 101)`);
  assert.deepEqual(
    await fx.sql(`select count(*) as n from ${q(table)} where ${q(from)} = ${q(to)} and id = ${q(from)}`),
    [{ n: 101 }],
  );
  await contract(fx.db, { table, column: from }, quiet);
  assert.deepEqual(await fx.sql(`select sum(${q(to)}) as s from ${q(table)}`), [{ s: '5151' }]);
  assert.deepEqual(await triggersOf(table), []);
});

test('kill -9 during the backfill, rerun: resumes, every row filled, one record', async () => {
  await fx.sql('create table killed (id int primary key, v varchar(20)) engine=InnoDB');
  await fx.sql("insert into killed select seq, concat('v', seq) from seq_1_to_20000");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=ballast-source', '--import', 'tsx', CHILD, fx.test.url, 'killed', 'v', 'w', '200'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let seen = 0;
    child.stdout.on('data', (d: Buffer) => {
      seen += (d.toString().match(/batch/g) ?? []).length;
      if (seen >= 5 && child.exitCode === null) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`child ended before the kill: ${stderr}`)),
    );
  });
  const [{ n: filled } = { n: 0 }] = await fx.sql<{ n: number }>('select count(w) as n from killed');
  assert.ok(Number(filled) > 0 && Number(filled) < 20_000, `${filled} rows filled before the kill`);
  await fx.sql("insert into killed (id, v) values (30000, 'between')");
  await renameColumn(
    fx.db,
    { table: 'killed', from: 'v', to: 'w' },
    { migration: 'kill-test', lock: false, log: () => {} },
  );
  assert.deepEqual(await fx.sql('select count(*) as n, count(w) as w, sum(v = w) as same from killed'), [
    { n: 20_001, w: 20_001, same: '20001' },
  ]);
  assert.equal((await pendingContractions(fx.db, { table: 'killed' })).length, 1);
});
