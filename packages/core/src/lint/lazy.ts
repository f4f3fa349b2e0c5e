/**
 * `@ballast/core/lint`'s lintSql: core/translate (core/ops and its validation schemas) is the
 * heaviest part of the linter to load, and only fixes need it. It is loaded by
 * `await loadLintFixes()`; until then lintSql reports findings without `fix` text, plans or
 * translations. (`@ballast/core`'s lintSql always plans: it loads everything anyway.)
 */
import { type LintResult, lintText, type Planner } from './engine.js';
import type { LintOptions } from './types.js';

let planner: ((options: LintOptions) => Planner) | undefined;

export async function loadLintFixes(): Promise<void> {
  planner ??= (await import('./lint.js')).plannerFor(undefined);
}

/** Findings, and fixes once loadLintFixes() has resolved. PostgreSQL needs `await loadPgParser()`. */
export function lintSql(text: string, partial: Partial<LintOptions> = {}): LintResult {
  return lintText(text, partial, planner);
}
