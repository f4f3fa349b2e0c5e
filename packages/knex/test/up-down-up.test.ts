import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checksumTables, snapshotSchema } from '@ballast/core';
import { pgServers, pgTestDatabase, type SqlConnection } from '@ballast/testkit';
import knexFactory from 'knex';
import { test } from 'vitest';

const migrator = {
  directory: join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'up-down-up'),
  loadExtensions: ['.ts'],
};

const seed = [
  `create table customers (id bigserial primary key, name text not null default 'anon', email text, tier int)`,
  `create table orders (id bigserial primary key, customer_id bigint, amount int not null default 0,
     status text, legacy_code text default 'x', created_at timestamptz not null default '2024-01-01')`,
  'create index orders_legacy_idx on orders (legacy_code)',
  'create table audit_log (id bigserial primary key, message text not null)',
  // Objects on the columns expand/contract replaces: a rollback must bring them back under their
  // own names and kinds (a UNIQUE constraint, not an equivalent unique index named by default).
  `create table customer_names (name text primary key)`,
  `insert into customer_names select 'c' || g from generate_series(1, 2000) g union all select 'anon'`,
  'alter table customers add constraint customers_name_unique unique (name)',
  'alter table customers add constraint customers_name_foreign foreign key (name) references customer_names (name)',
  'create index orders_amount_status_index on orders (amount, status)',
  `insert into customers (name, email, tier) select 'c' || g, 'c' || g || '@x', g % 3 from generate_series(1, 2000) g`,
  `insert into orders (customer_id, amount, status, legacy_code)
     select g % 2000 + 1, g % 1000, (array['new', 'paid', 'sent'])[g % 3 + 1], 'L' || g from generate_series(1, 5000) g`,
  `insert into audit_log (message) select 'event ' || g from generate_series(1, 700) g`,
];

const state = async (conn: SqlConnection) => {
  const schema = await snapshotSchema(conn);
  return { schema, data: await checksumTables(conn, schema) };
};

// A history that uses every helper (single-step helpers, expand, contract, drops with backups),
// applied, rolled back and re-applied twice: each apply must give exactly the first apply's schema
// and data, each rollback exactly the original ones. A step wrongly remembered from an earlier run
// (a journal key reused across apply/rollback/apply) shows up here as a difference.
for (const server of pgServers()) {
  test(`up → down → up → down → up with every helper gives the same schema and data each time (PG ${server.label})`, async () => {
    const db = await pgTestDatabase('updownup', server);
    const knex = knexFactory({ client: 'pg', connection: db.url, pool: { min: 0, max: 6 } });
    const conn = await db.connect();
    try {
      for (const sql of seed) await conn.query(sql);
      const original = await state(conn);

      const [, applied] = await knex.migrate.latest(migrator);
      assert.equal(applied.length, 4);
      const first = await state(conn);
      assert.equal(first.schema.tables.audit_log, undefined, 'dropTable took audit_log away');
      assert.ok(first.schema.tables.customers!.columns.full_name, 'renamed column in place after contract');
      assert.equal(first.schema.tables.customers!.columns.name, undefined, 'contract dropped the old column');
      assert.equal(
        first.schema.tables.customers!.triggers &&
          Object.keys(first.schema.tables.customers!.triggers).length,
        0,
      );
      assert.deepEqual(first.schema.functions, [], 'no sync-trigger function left after contract');

      for (const round of [1, 2]) {
        const [, rolledBack] = await knex.migrate.rollback(migrator);
        assert.equal(rolledBack.length, 4, `round ${round}: every migration rolled back`);
        const down = await state(conn);
        assert.deepEqual(down.schema, original.schema, `round ${round}: down restores the original schema`);
        assert.deepEqual(down.data, original.data, `round ${round}: down restores the original data`);

        const [, reapplied] = await knex.migrate.latest(migrator);
        assert.equal(reapplied.length, 4, `round ${round}: every migration re-applied`);
        const up = await state(conn);
        assert.deepEqual(up.schema, first.schema, `round ${round}: re-apply gives the first apply's schema`);
        assert.deepEqual(up.data, first.data, `round ${round}: re-apply gives the first apply's data`);
      }
    } finally {
      await conn.close();
      await knex.destroy();
      await db.drop();
    }
  });
}
