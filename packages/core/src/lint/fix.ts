/** Placeholder until core/ops planners are merged: no fixes. */
import type { Finding, LintContext, Statement } from './types.js';

export interface FixedStep {
  readonly sql: string;
  readonly transactional: boolean;
}

export interface FixedStatement {
  /** Rule ids whose findings this plan resolves. */
  readonly rules: readonly string[];
  readonly steps: readonly FixedStep[];
  /** The steps rendered as SQL, for the finding's `fix` field. */
  readonly text: string;
  /** Where the steps may run: inline, or outside the (tool's or file's) transaction. */
  readonly placement: 'inline' | 'outside-transaction';
}

export function fixStatement(
  _ctx: LintContext,
  _s: Statement,
  _findings: readonly Finding[],
): FixedStatement | undefined {
  return undefined;
}
