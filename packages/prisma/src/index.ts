export { runBallastPrisma } from './command.js';
export { loadPrismaProject, PrismaConfigError, type PrismaProjectConfig } from './config.js';
export { FailedMigrationError } from './migrate-deploy.js';
export {
  type MigrationState,
  migrationStates,
  type PrismaMigration,
  readPrismaMigrations,
} from './migrations.js';
export { type ProbableRename, ProbableRenameError } from './rename.js';
