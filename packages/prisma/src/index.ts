export {
  type MigrationState,
  migrationStates,
  type PrismaMigration,
  readPrismaMigrations,
} from './migrations.js';
