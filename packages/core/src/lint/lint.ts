/**
 * lintSql with fixes: the engine (engine.ts) given a Planner over core/translate — each flagged
 * statement planned by core/ops for the server, rendered as the SQL of its steps (fix.ts), minus
 * objects the file already creates (redundant.ts).
 */
import type { ServerInfo } from '../dialects/server.js';
import { serverForLint } from '../translate/server.js';
import { translateStatement } from '../translate/statement.js';
import { type LintResult, lintText, type Planner } from './engine.js';
import { renderFix } from './fix.js';
import { withoutRedundantSteps } from './redundant.js';
import type { LintOptions } from './types.js';

export type { LintResult } from './engine.js';

/** The planner for `server` (default: the one the options describe, see serverForLint). */
export const plannerFor =
  (server: ServerInfo | undefined) =>
  (options: LintOptions): Planner => {
    const planFor = server ?? serverForLint(options);
    return {
      translate: (statement, own, text) => translateStatement(statement, own, text, planFor),
      fix: (t, ctx) => renderFix(withoutRedundantSteps(t, ctx), planFor),
    };
  };

/**
 * Lints SQL text, with fixes. PostgreSQL parsing needs `await loadPgParser()` once before the
 * first call.
 */
export function lintSql(text: string, partial: Partial<LintOptions> = {}): LintResult {
  return lintText(text, partial, plannerFor(undefined));
}

/** lintSql planning for `server`. */
export function lintWith(
  text: string,
  partial: Partial<LintOptions>,
  server: ServerInfo | undefined,
): LintResult {
  return lintText(text, partial, plannerFor(server));
}
