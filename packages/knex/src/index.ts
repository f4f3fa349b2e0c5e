export { ballast } from './ballast.js';
export {
  type ColumnBuilderCallback,
  type ColumnDefinition,
  type ColumnSpec,
  ColumnSpecError,
  type ColumnValue,
  type DefaultSpec,
} from './column-spec.js';
export { knexDatabase } from './database.js';
export type { Direction } from './migration-context.js';
export type {
  BackfillOptions,
  BackfillTuning,
  Ballast,
  BallastOptions,
  ConfirmUnused,
  ForeignKeyOptions,
  ForeignKeyReference,
  IndexOptions,
  ReverseHelpers,
  TableName,
} from './types.js';
