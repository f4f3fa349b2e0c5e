import assert from 'node:assert/strict';
import { pgServers, pgTestDatabase } from '@ballast/testkit';
import { test } from 'vitest';
import { type AppState, readState, runKnex } from '../app.js';

/**
 * The example's migration history, run with the real Knex CLI (`migrate:latest`, `migrate:rollback`)
 * on the harness's PostgreSQL servers: up, down, up again, then everything down.
 */
const INITIAL = '20240101000000_initial_schema.ts';

function expectApplied(state: AppState): void {
  assert.deepEqual(state.columns.users, [
    'id',
    'email',
    'first_name',
    'last_name',
    'created_at',
    'full_name',
  ]);
  assert.deepEqual(state.columns.products, ['id', 'name', 'price_cents']);
  assert.deepEqual(state.columns.user_preferences, ['id', 'user_id', 'theme', 'newsletter']);
  assert.ok(state.notNull.includes('users.full_name') && state.notNull.includes('products.price_cents'));
  assert.deepEqual(state.constraints, [
    'products: products_price_cents_nonnegative',
    'user_preferences: user_preferences_user_id_fkey',
  ]);
  assert.ok(state.indexes.includes('user_preferences_user_id_key'), state.indexes.join(', '));
  assert.equal(state.migrations.length, 5);
}

function expectInitial(state: AppState): void {
  assert.deepEqual(state.columns.users, ['id', 'email', 'first_name', 'last_name', 'created_at']);
  assert.deepEqual(state.columns.products, ['id', 'name', 'price']);
  assert.equal(state.columns.user_preferences, undefined);
  assert.ok(state.notNull.includes('products.price'));
  assert.deepEqual(state.constraints, []);
  assert.deepEqual(state.migrations, [INITIAL]);
}

for (const server of pgServers()) {
  test(`[pg ${server.label}] the knex-app migrations go up, down and up again with the Knex CLI`, async () => {
    const db = await pgTestDatabase('knexapp', server);
    const env = { DATABASE_URL: db.url, SEED_USERS: '3000' };
    const knex = async (...args: string[]) => {
      const result = await runKnex(args, env);
      assert.equal(result.code, 0, `knex ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
      return result;
    };
    const conn = await db.connect();
    try {
      await knex('migrate:up', INITIAL);
      await knex('seed:run');
      const prices = async (column: string) =>
        conn.query<{ id: string; v: string }>(`select id, ${column}::text as v from products order by id`);
      const seededPrices = await prices('price');

      assert.match((await knex('migrate:latest')).stdout, /Batch 2 run: 4 migrations/);
      const applied = await readState(db.url);
      expectApplied(applied);
      assert.equal(applied.users, 3000);
      const [names] = await conn.query<{ n: string }>(
        "select count(*) as n from users where full_name is distinct from first_name || ' ' || last_name",
      );
      assert.equal(names!.n, '0');
      assert.deepEqual(
        (await prices('price_cents')).map((r) => [r.id, Number(r.v)]),
        seededPrices.map((r) => [r.id, Math.round(Number(r.v) * 100)]),
        'price_cents holds every seeded price in cents',
      );
      // Dropping products.price kept its values first: the rollback below restores them from there.
      const [backup] = await conn.query<{ status: string; rows: string }>(
        "select status, rows::text from ballast_backups where source_table = 'products' and source_column = 'price' order by id desc limit 1",
      );
      assert.deepEqual(backup, { status: 'ready', rows: String(seededPrices.length) });

      assert.match((await knex('migrate:rollback')).stdout, /Batch 2 rolled back: 4 migrations/);
      expectInitial(await readState(db.url));
      assert.deepEqual(await prices('price'), seededPrices, 'price came back intact');

      await knex('migrate:latest');
      expectApplied(await readState(db.url));

      await knex('migrate:rollback', '--all');
      const empty = await readState(db.url);
      assert.deepEqual(empty.columns, {});
      assert.deepEqual(empty.migrations, []);
    } finally {
      await conn.close();
      await db.drop();
    }
  });
}
