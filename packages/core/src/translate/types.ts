/**
 * What translating SQL gives back, per statement: already safe as written, replaced by plans
 * (core/ops planners, to run with runPlan), or not translatable, with the reason.
 */
import type { ServerInfo } from '../dialects/server.js';
import type { Finding, LintOptions } from '../lint/types.js';
import type { Plan } from '../plan.js';

/** A planner-mapping that gave up: which part of the statement has no planner, or why it refused. */
export interface NoPlan {
  readonly reason: string;
}

interface TranslatedBase {
  /** 0-based position in the text. */
  readonly index: number;
  /** The statement as written, without its semicolon. */
  readonly sql: string;
  /** 1-based line and column of its first token. */
  readonly location: { readonly line: number; readonly column: number };
  /** Every lint finding on the statement (the planned ones too), for messages. */
  readonly findings: readonly Finding[];
}

/** Nothing to change: no finding that a plan or a person must resolve (warnings may remain). */
export interface SafeStatement extends TranslatedBase {
  readonly status: 'safe';
}

/** Replace the statement by these plans, in order; `resolves` lists the rule ids they answer. */
export interface PlannedStatement extends TranslatedBase {
  readonly status: 'planned';
  readonly plans: readonly Plan[];
  readonly resolves: readonly string[];
}

/** An error finding no plan resolves: `reason` says why (no planner for it, or the planner refused). */
export interface UntranslatableStatement extends TranslatedBase {
  readonly status: 'untranslatable';
  readonly reason: string;
}

export type TranslatedStatement = SafeStatement | PlannedStatement | UntranslatableStatement;

export interface TranslateOptions extends Partial<LintOptions> {
  /**
   * The server the plans are for, e.g. `await readServerInfo(session)`: its minor version matters
   * (PG 14.0–14.3 refuse CONCURRENTLY). Default: the newest minor of `pgVersion`, or `mysql`.
   * Its dialect and major version also become the lint options' when those are not given.
   */
  readonly server?: ServerInfo;
}

export interface Translation {
  readonly statements: readonly TranslatedStatement[];
  /** Parts of the text that did not parse (`unparseable-sql` findings): nothing was translated there. */
  readonly unparseable: readonly Finding[];
}
