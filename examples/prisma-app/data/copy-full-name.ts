// The data migration of the rename: copies name into fullName in short batches (core's backfill
// engine), resumable after a crash. `ballast-prisma migrate deploy` runs it after migration.sql.
import type { DataMigrationContext } from '@ballast/prisma';

export async function up({ backfill }: DataMigrationContext): Promise<void> {
  await backfill({ table: 'User', set: { fullName: '"name"' }, where: '"fullName" is distinct from "name"' });
}
