/** SQL → Plan: what `ballast lint --fix` and the Prisma wrapper share (see packages/core/README.md). */

export {
  followUpMigrationDir,
  isPrismaMigrationFile,
  isPrismaMigrationsDir,
  PRISMA_LOCK_FILE,
  PRISMA_MIGRATION_FILE,
  type PrismaMigrationFolder,
  prismaDialect,
  prismaMigrationFolders,
  prismaProvider,
} from './prisma.js';
export { translateSql } from './translate.js';
export type {
  PlannedStatement,
  SafeStatement,
  TranslatedStatement,
  TranslateOptions,
  Translation,
  UntranslatableStatement,
} from './types.js';
