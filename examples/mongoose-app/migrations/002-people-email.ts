import { DROP_WITHOUT_HIDING, type MigrationContext } from '@ballast/mongoose';
import { COLLECTION } from '../models.js';

const log = (line: string) => process.stdout.write(`[mongoose-app] ${line}\n`);

/** A `$jsonSchema` every v3 person satisfies (001 converted them all). */
const PERSON_V3 = {
  bsonType: 'object',
  required: ['first', 'last', 'email', 'schemaVersion'],
  properties: { email: { bsonType: 'string' } },
};

/**
 * After 001 every person has an email: index it (unique), then stage a validator and promote it
 * at once, since no document is left below v3. Servers without validators (FerretDB) refuse
 * them; the example says so and keeps the index.
 */
export async function up(ctx: MigrationContext) {
  const index = await ctx.indexes.create(COLLECTION, { email: 1 }, { unique: true });
  const progress = index.progress?.available
    ? `${index.progress.reports} progress reports`
    : `progress unavailable: ${index.progress?.reason ?? 'already built'}`;
  log(`index ${index.name}: ${index.status} (${progress})`);
  try {
    await ctx.validators.stage(COLLECTION, PERSON_V3);
    await ctx.validators.promote(COLLECTION, { version: 3 });
    log('validator: staged (moderate/warn), promoted to strict');
  } catch (error) {
    if ((error as Error).name !== 'UnsupportedServerError') throw error;
    log(`validator: not set: ${(error as Error).message.split('\n')[0]}`);
  }
}

export async function down(ctx: MigrationContext) {
  await ctx.validators.remove(COLLECTION).catch((error: Error) => {
    if (error.name !== 'UnsupportedServerError') throw error;
  });
  // Undoing this migration's own new index: no query relied on it before, so no need to observe.
  await ctx.indexes.drop(COLLECTION, 'email_1', { observeMs: 0, confirm: DROP_WITHOUT_HIDING });
}
