import { ballast } from '@ballast/knex';
import type { Knex } from 'knex';

// Backfills run in batches that each commit, so this migration runs outside Knex's transaction.
export const config = { transaction: false };

// users.full_name, derived from first_name and last_name: added nullable (instant), filled in
// batches while the app keeps writing, then made NOT NULL without a long exclusive lock.
// The app writes full_name on insert before this migration is deployed (expand/contract).
export async function up(knex: Knex): Promise<void> {
  const b = ballast(knex);
  await b.safeAddColumn('users', 'full_name', 'text');
  await b.backfill('users', { full_name: "first_name || ' ' || last_name" }, { where: 'full_name is null' });
  await b.setNotNull('users', 'full_name');
}

export async function down(knex: Knex): Promise<void> {
  // The reverse of adding the column: drop it (the data is derived, nothing is lost).
  await ballast(knex).reverse.safeAddColumn('users', 'full_name', 'text');
}
