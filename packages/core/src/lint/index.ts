export { type LintResult, lintSql } from './lint.js';
export { DEFAULT_OPTIONS, lintOptions, parseMysqlVersion, parsePgVersion } from './options.js';
export { loadPgParser } from './parse.js';
export { RULES, RULES_BY_ID } from './rules/index.js';
export type { FileReport, Finding, LintDialect, LintOptions, MysqlServer, Rule, Severity } from './types.js';
