import { ballast } from '@ballast/knex';
import type { Knex } from 'knex';

export const config = { transaction: false };

// Step two of price → price_cents, deployed once no running release reads `price`. Ballast sets
// the column aside (renamed ballast_dropped_price, NOT NULL relaxed) instead of destroying it.
export async function up(knex: Knex): Promise<void> {
  await ballast(knex).dropColumn('products', 'price', { confirmUnused: true });
}

// Rolling back renames the column back and restores its NOT NULL.
export async function down(knex: Knex): Promise<void> {
  const b = ballast(knex);
  await b.reverse.dropColumn('products', 'price', { confirmUnused: true });
  await b.setNotNull('products', 'price');
}
