export {
  type BackfillOptions,
  type Ballast,
  type BallastOptions,
  ballast,
  type ConfirmUnused,
  type ForeignKeyOptions,
  type ForeignKeyReference,
  type IndexOptions,
  type ReverseHelpers,
  type TableName,
} from './ballast.js';
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
