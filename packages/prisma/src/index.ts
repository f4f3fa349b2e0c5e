export { runBallastPrisma } from './command.js';
export { loadPrismaProject, PrismaConfigError, type PrismaProjectConfig } from './config.js';
export {
  type DataMigrationContext,
  DataMigrationError,
  type DataMigrationUp,
} from './data-migration.js';
export { FailedMigrationError } from './migrate-deploy.js';
export {
  type MigrationState,
  migrationStates,
  type PrismaMigration,
  readPrismaMigrations,
} from './migrations.js';
export {
  CONTRACTS_TABLE,
  ContractTooEarlyError,
  DEFAULT_CONTRACT_AFTER,
  PhaseMarkerError,
} from './phase.js';
export { type ProbableRename, ProbableRenameError } from './rename.js';
