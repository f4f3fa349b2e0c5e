import { ballast } from '@ballast/knex';
import type { Knex } from 'knex';

export const config = { transaction: false };

// products.price (numeric) → products.price_cents (bigint), step one: the new column, filled and
// constrained while both exist. The app writes both until the next migration drops `price`.
export async function up(knex: Knex): Promise<void> {
  const b = ballast(knex);
  await b.safeAddColumn('products', 'price_cents', (t) => t.bigInteger('price_cents'));
  await b.backfill(
    'products',
    { price_cents: 'round(price * 100)::bigint' },
    { where: 'price_cents is null' },
  );
  await b.setNotNull('products', 'price_cents');
  await b.addCheck('products', 'products_price_cents_nonnegative', 'price_cents >= 0');
}

export async function down(knex: Knex): Promise<void> {
  const b = ballast(knex);
  await b.reverse.addCheck('products', 'products_price_cents_nonnegative', 'price_cents >= 0');
  // price_cents is derived from price (restored by the next migration's down): drop it for real.
  await b.reverse.safeAddColumn('products', 'price_cents', (t) => t.bigInteger('price_cents'));
}
