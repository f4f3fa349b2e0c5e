/** The errors parsePgVersion / parseMysqlVersion throw, for callers that load only this entry. */
export { BallastError, InvalidArgumentError } from '../errors.js';
export {
  followUpMigrationDir,
  isPrismaMigrationFile,
  prismaDialect,
  prismaProvider,
} from '../translate/prisma.js';
export type { LintResult } from './engine.js';
export type { FixedStatement, FixedStep } from './fix.js';
export { type FixedFile, renderFixedFile } from './fix-file.js';
export { formatReport, OUTPUT_FORMATS, type OutputFormat } from './format/index.js';
export { lintSql, loadLintFixes } from './lazy.js';
export { DEFAULT_OPTIONS, lintOptions, parseMysqlVersion, parsePgVersion } from './options.js';
export { loadPgParser } from './parse.js';
export { RULES, RULES_BY_ID } from './rules/index.js';
export { type ColumnFact, type KnownColumns, readSchema } from './schema-columns.js';
export type {
  FileReport,
  Finding,
  LintDialect,
  LintOptions,
  MysqlServer,
  Rule,
  RuleFix,
  Severity,
} from './types.js';
