/**
 * JS transforms on InnoDB (BALLAST_SERVERS=mysql): the batch's rows are read FOR UPDATE, changed
 * in JS and written back by key in the batch's transaction, so concurrent writers lose nothing;
 * and a role that may not read replication status still backfills (with a warning), unthrottled.
 */
import assert from 'node:assert/strict';
import { type Database, runBackfill } from '@ballast/core';
import { connect, HOSTILE_VALUES } from '@ballast/testkit';
import { afterAll, beforeAll, test } from 'vitest';
import { type MysqlFixture, mysqlFixture } from './support/mysql.js';

const ROWS = 3000;
let fx: MysqlFixture;
beforeAll(async () => {
  fx = await mysqlFixture('mytransform');
});
afterAll(() => fx.close());

async function createItems(table: string): Promise<void> {
  await fx.sql(
    `create table ${table} (id int primary key, name varchar(200) not null, label varchar(300), doc json, touched int not null default 0) engine=InnoDB`,
  );
  for (let from = 1; from <= ROWS; from += 500) {
    const values = Array.from({ length: 500 }, (_, i) => `(${from + i}, 'n${from + i}')`);
    await fx.sql(`insert into ${table} (id, name) values ${values.join(', ')}`);
  }
}

test('a JS transform under 3 writers: every matching row transformed once, every write kept', async () => {
  await createItems('items');
  const suffix = HOSTILE_VALUES[0]!;
  let calls = 0;
  let stop = false;
  const lastWrite = new Map<number, number>();
  const errors: string[] = [];
  const writers = Array.from({ length: 3 }, async (_, w) => {
    const conn = await fx.connect();
    try {
      for (let n = 1; !stop; n++) {
        const id = 1 + ((n * 7919 + w * 104729) % ROWS);
        const value = w * 1_000_000 + n;
        await conn.query('update items set touched = ? where id = ?', [value, id]).then(
          () => lastWrite.set(id, value),
          (e: Error) => errors.push(e.message),
        );
      }
    } finally {
      await conn.close();
    }
  });
  const result = await runBackfill(
    fx.db,
    { table: 'items', set: {}, where: 'id % 2 = 0' },
    {
      transform: (row) => {
        calls++;
        return {
          label: `${String(row.name).toUpperCase()}${suffix}`,
          doc: { id: row.id, tags: ['a', "it's"] },
        };
      },
      initialBatchSize: 100,
      maxBatchSize: 200,
    },
  );
  stop = true;
  await Promise.all(writers);
  assert.equal(result.status, 'done');
  assert.deepEqual(errors, []);
  assert.equal(calls, ROWS / 2, 'each matching row transformed once');
  const rows = await fx.sql<{
    id: number;
    name: string;
    label: string | null;
    doc: unknown;
    touched: number;
  }>('select id, name, label, doc, touched from items order by id');
  for (const row of rows) {
    if (row.id % 2 === 0) {
      assert.equal(row.label, `${row.name.toUpperCase()}${suffix}`, `row ${row.id}`);
      const doc = typeof row.doc === 'string' ? JSON.parse(row.doc) : row.doc;
      assert.deepEqual(doc, { id: row.id, tags: ['a', "it's"] });
    } else assert.equal(row.label, null, `row ${row.id} is outside the where`);
    if (lastWrite.has(row.id))
      assert.equal(row.touched, lastWrite.get(row.id), `writer's last write to ${row.id}`);
  }
  assert.ok(lastWrite.size > 0, 'the writers wrote during the backfill');
});

test('a role without REPLICATION CLIENT backfills unthrottled and is told why', async () => {
  await createItems('plain');
  const user = `bf_${Date.now() % 1_000_000}`;
  await fx.sql(`create user '${user}'@'%' identified by 'pw'`);
  await fx.sql(`grant all on \`${new URL(fx.test.url).pathname.slice(1)}\`.* to '${user}'@'%'`);
  const url = new URL(fx.test.url);
  url.username = user;
  url.password = 'pw';
  const db: Database = {
    dialect: 'mysql',
    async withSession(fn) {
      const conn = await connect(url.toString());
      try {
        return await fn(conn);
      } finally {
        await conn.close();
      }
    },
  };
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    const result = await runBackfill(db, { table: 'plain', set: { label: 'upper(name)' } });
    assert.equal(result.status, 'done');
  } finally {
    process.off('warning', onWarning);
    await fx.sql(`drop user '${user}'@'%'`);
  }
  assert.deepEqual(await fx.sql('select count(*) as n from plain where label is null'), [{ n: 0 }]);
  await new Promise((r) => setImmediate(r));
  assert.ok(
    warnings.some((w) => /replica lag is not checked/.test(w)),
    JSON.stringify(warnings),
  );
});
