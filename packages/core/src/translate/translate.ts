/**
 * `translateSql`: SQL text → per statement, safe / plans / why not. The same path as
 * `ballast lint --fix` (which renders the plans as SQL), for adapters that run the plans with
 * runPlan instead (the Prisma wrapper): one idea of what is safe, in core/ops.
 */
import { z } from 'zod';
import type { ServerInfo } from '../dialects/server.js';
import { InvalidArgumentError } from '../errors.js';
import { lintWith } from '../lint/lint.js';
import type { LintOptions } from '../lint/types.js';
import { nonNegativeInt } from '../validate/common.js';
import { parseCall } from '../validate/parse.js';
import type { TranslateOptions, Translation } from './types.js';

/** The arguments, checked once here (unknown keys are errors), as the other public entry points. */
const translateArgs = {
  sql: z.string().describe('SQL text'),
  options: z
    .strictObject({
      dialect: z.enum(['postgres', 'mysql']).optional(),
      pgVersion: z.number().int().min(9).max(30).describe('a PostgreSQL major version').optional(),
      mysql: z
        .strictObject({
          flavor: z.enum(['mysql', 'mariadb']),
          version: z.tuple([nonNegativeInt, nonNegativeInt, nonNegativeInt]).readonly(),
        })
        .readonly()
        .optional(),
      transaction: z.enum(['none', 'wrapped', 'implicit']).optional(),
      assumeInTransaction: z.boolean().optional(),
      server: z
        .custom<ServerInfo>(
          (v) => typeof v === 'object' && v !== null && typeof (v as ServerInfo).versionNum === 'number',
        )
        .describe('a ServerInfo (readServerInfo(session), serverInfoFor(150004) …)')
        .optional(),
    })
    .optional(),
};

/**
 * Translates SQL statements into plans for `options.server` (PostgreSQL parsing needs
 * `await loadPgParser()` once first). Statements come back in order, each `safe`, `planned`
 * (run its `plans` with runPlan instead of the statement) or `untranslatable` (with a reason).
 */
export function translateSql(sql: string, options: TranslateOptions = {}): Translation {
  parseCall('translateSql', translateArgs, [sql, options]);
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
