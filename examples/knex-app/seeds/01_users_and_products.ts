import type { Knex } from 'knex';

// Production-like data for the later migrations to work on (SEED_USERS, default 20 000 users).
export async function seed(knex: Knex): Promise<void> {
  const users = Number(process.env.SEED_USERS ?? 20_000);
  await knex('users').del();
  await knex('products').del();
  await knex.raw(
    `insert into users (email, first_name, last_name)
     select 'user' || g || '@example.com', 'First' || g, 'Last' || g from generate_series(1, ?::int) g`,
    [users],
  );
  await knex.raw(
    `insert into products (name, price)
     select 'Product ' || g, round((random() * 500)::numeric, 2) from generate_series(1, ?::int) g`,
    [Math.max(1, Math.floor(users / 10))],
  );
}
