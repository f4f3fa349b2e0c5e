import { ballast } from '@ballast/knex';
import type { Knex } from 'knex';

export const config = { transaction: false };

// Step two of price → price_cents, deployed once no running release reads `price`. Ballast copies
// its values (keyed by id) into a backup in the ballast_backup schema, then drops it.
export async function up(knex: Knex): Promise<void> {
  await ballast(knex).dropColumn('products', 'price', { confirmUnused: true });
}

// Rolling back restores the column from that backup: every value, its default and NOT NULL.
export async function down(knex: Knex): Promise<void> {
  await ballast(knex).reverse.dropColumn('products', 'price', { confirmUnused: true });
}
