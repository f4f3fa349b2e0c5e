import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresDatabaseFromUrl, verifyExpansion } from '@ballast/core';
import { pgTestDatabase } from '@ballast/testkit';
import knexFactory from 'knex';
import { test } from 'vitest';
import { ballast } from '../src/index.js';
import { describeTable } from './support/catalog.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const migrator = { directory: join(fixtures, 'expand'), loadExtensions: ['.ts'] };

test('renameColumn → contract → dropColumn through Knex migrations, then rollback restores every value', async () => {
  const db = await pgTestDatabase('knexexpand');
  const knex = knexFactory({ client: 'pg', connection: db.url, pool: { min: 0, max: 6 } });
  const conn = await db.connect();
  try {
    await conn.query(`create table accounts (id bigserial primary key, email text not null default 'none',
                        note text not null default 'n/a')`);
    await conn.query('create unique index accounts_email_key on accounts (email)');
    await conn.query(
      `insert into accounts (email, note) select 'u' || g || '@x', 'note ' || g from generate_series(1, 3000) g`,
    );
    const sum = async (cols: string) => {
      const [row] = await conn.query<{ s: string }>(
        `select md5(string_agg(${cols}, '|' order by id)) as s from accounts`,
      );
      return row!.s;
    };
    const before = await sum("id || ',' || email || ',' || note");
    const original = await describeTable(conn, 'accounts');

    const [, applied] = await knex.migrate.latest(migrator);
    assert.equal(applied.length, 3);
    const shape = await describeTable(conn, 'accounts');
    assert.deepEqual(Object.keys(shape.columns).sort(), ['email_address', 'id']);
    assert.deepEqual(shape.columns.email_address, { type: 'text', notNull: true, default: "'none'::text" });
    assert.equal(shape.indexes.accounts_email_address_key, 'valid');
    assert.equal(
      await sum("id || ',' || email_address"),
      await sumOf(conn, "id || ',' || 'u' || id || '@x'"),
    );

    await knex.migrate.rollback(migrator);
    const restored = await describeTable(conn, 'accounts');
    assert.deepEqual(restored.columns.email, original.columns.email);
    assert.deepEqual(restored.columns.note, original.columns.note);
    assert.equal(restored.columns.email_address, undefined);
    assert.deepEqual(restored.indexes, original.indexes, 'the unique index on email is rebuilt by the undo');
    assert.equal(await sum("id || ',' || email || ',' || note"), before);
    const [pending] = await conn.query<{ n: string }>(
      "select count(*) as n from ballast_expansions where status = 'expanded'",
    );
    assert.equal(pending!.n, '0');
  } finally {
    await conn.close();
    await knex.destroy();
    await db.drop();
  }
});

async function sumOf(conn: { query<T>(sql: string): Promise<T[]> }, expr: string): Promise<string> {
  const [row] = await conn.query<{ s: string }>(
    `select md5(string_agg(${expr}, '|' order by id)) as s from generate_series(1, 3000) id`,
  );
  return row!.s;
}

test('contract is refused after a verification found mismatches; ignoreVerifyMismatches overrides it knowingly', async () => {
  const db = await pgTestDatabase('knexverify');
  const knex = knexFactory({ client: 'pg', connection: db.url, pool: { min: 0, max: 6 } });
  const conn = await db.connect();
  try {
    await conn.query('create table prices (id bigint primary key, amount integer)');
    await conn.query('insert into prices select g, g * 10 from generate_series(1, 500) g');
    const b = ballast(knex, { progress: false, log: () => {}, migration: 'adhoc-verify' });
    await b.changeColumnType('prices', 'amount', 'bigint');
    // A writer that bypassed the sync trigger: the copy no longer equals the conversion.
    await conn.query('begin');
    await conn.query('set local session_replication_role = replica');
    await conn.query('update prices set amount_new = -1 where id = 7');
    await conn.query('commit');
    const core = postgresDatabaseFromUrl(db.url);
    const verified = await verifyExpansion(core, { table: 'prices', column: 'amount' }).finally(() =>
      core.close?.(),
    );
    assert.equal(verified.status, 'mismatches');
    await assert.rejects(
      b.contract('prices', 'amount'),
      (e: Error) => e.name === 'VerificationMismatchError',
    );
    await assert.rejects(
      b.contract('prices', 'amount', { ignoreVerifyMismatchs: true } as never),
      /ignoreVerifyMismatchs[\s\S]*ignoreVerifyMismatches/,
      'a misspelled option is refused with the right name',
    );
    await b.contract('prices', 'amount', { ignoreVerifyMismatches: true });
    // The new column keeps its name (docs/expand-contract.md); the old one is gone, backed up.
    const columns = await conn.query<{ c: string; t: string }>(
      "select column_name as c, data_type as t from information_schema.columns where table_name = 'prices' order by 1",
    );
    assert.deepEqual(columns, [
      { c: 'amount_new', t: 'bigint' },
      { c: 'id', t: 'bigint' },
    ]);
  } finally {
    await conn.close();
    await knex.destroy();
    await db.drop();
  }
});
