/**
 * `translateSql`: SQL text → per statement, safe / plans / why not. The same path as
 * `ballast lint --fix` (which renders the plans as SQL), for adapters that run the plans with
 * runPlan instead (the Prisma wrapper): one idea of what is safe, in core/ops.
 */
import { InvalidArgumentError } from '../errors.js';
import { lintWith } from '../lint/lint.js';
import type { LintOptions } from '../lint/types.js';
import type { TranslateOptions, Translation } from './types.js';

/**
 * Translates SQL statements into plans for `options.server` (PostgreSQL parsing needs
 * `await loadPgParser()` once first). Statements come back in order, each `safe`, `planned`
 * (run its `plans` with runPlan instead of the statement) or `untranslatable` (with a reason).
 */
export function translateSql(sql: string, options: TranslateOptions = {}): Translation {
  const { server, ...partial } = options;
  const dialect = server && (server.dialect === 'postgres' ? 'postgres' : 'mysql');
  const lintPartial: Partial<LintOptions> = server
    ? {
        dialect,
        ...(dialect === 'postgres' ? { pgVersion: Math.floor(server.versionNum / 10000) } : {}),
        ...partial,
      }
    : partial;
  if (server && lintPartial.dialect !== dialect) {
    throw new InvalidArgumentError([
      {
        argument: 'translateSql options.dialect',
        given: JSON.stringify(lintPartial.dialect),
        allowed: `the dialect of options.server (${server.version})`,
      },
    ]);
  }
  const result = lintWith(sql, lintPartial, server);
  return {
    statements: [...result.translations.values()],
    unparseable: result.findings.filter((f) => f.rule === 'unparseable-sql'),
  };
}
