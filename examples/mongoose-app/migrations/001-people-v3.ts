import type { MigrationContext } from '@ballast/mongoose';
import { personModel } from '../models.js';

/** Converts every stored person to v3 in resumable batches; `down` brings them back to v1. */
export async function up(ctx: MigrationContext) {
  await ctx.migrateCollection(personModel(ctx.connection, 3), { initialBatchSize: 100, minBatchSize: 50 });
}

export async function down(ctx: MigrationContext) {
  await ctx.migrateCollection(personModel(ctx.connection, 3), {
    to: 1,
    initialBatchSize: 100,
    minBatchSize: 50,
  });
}
