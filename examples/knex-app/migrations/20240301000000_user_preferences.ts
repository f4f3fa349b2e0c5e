import { ballast } from '@ballast/knex';
import type { Knex } from 'knex';

// CREATE INDEX CONCURRENTLY cannot run inside a transaction.
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  // A new table: nobody reads it yet, plain Knex is fine.
  await knex.schema.createTable('user_preferences', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable();
    t.text('theme').notNullable().defaultTo('light');
    t.boolean('newsletter').notNullable().defaultTo(false);
  });
  const b = ballast(knex);
  // One row per user; the unique index also serves the foreign key's lookups (index: false).
  await b.addIndexConcurrently('user_preferences', ['user_id'], { unique: true });
  // Added NOT VALID, then validated: `users` is never locked for a scan.
  await b.addForeignKey(
    'user_preferences',
    ['user_id'],
    { table: 'users', columns: ['id'] },
    { onDelete: 'cascade', index: false },
  );
}

export async function down(knex: Knex): Promise<void> {
  const b = ballast(knex);
  await b.reverse.addIndexConcurrently('user_preferences', ['user_id'], { unique: true });
  await knex.schema.dropTable('user_preferences');
}
