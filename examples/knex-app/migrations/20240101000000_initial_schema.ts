import type { Knex } from 'knex';

// The app's first schema. New, empty tables are safe to create with plain Knex in a transaction.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.bigIncrements('id');
    t.text('email').notNullable().unique();
    t.text('first_name').notNullable();
    t.text('last_name').notNullable();
    t.timestamp('created_at').notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('products', (t) => {
    t.bigIncrements('id');
    t.text('name').notNullable();
    t.decimal('price', 10, 2).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('products');
  await knex.schema.dropTable('users');
}
