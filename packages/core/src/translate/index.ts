/** SQL → Plan: what `ballast lint --fix` and the Prisma wrapper share (see packages/core/README.md). */
export { translateSql } from './translate.js';
export type {
  PlannedStatement,
  SafeStatement,
  TranslatedStatement,
  TranslateOptions,
  Translation,
  UntranslatableStatement,
} from './types.js';
