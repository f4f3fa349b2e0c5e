/**
 * Ballast mode: the same change as the naive SQL, planned and run by @ballast/core. A scenario
 * whose operation core does not provide yet is reported as "not available", never approximated.
 */
import * as core from '@ballast/core';
import type { ScenarioId } from './scenarios.js';

export interface BallastContext {
  readonly url: string;
  readonly lockTimeoutMs: number;
  /** Records a labelled instant (a retry, a step) for the chart. */
  readonly event: (label: string) => void;
}

export type BallastRun = (ctx: BallastContext) => Promise<void>;

/** The core export each scenario needs, so availability is decided by what core ships. */
const NEEDS: Record<ScenarioId, readonly string[]> = {
  'add-column': ['runPlan', 'planAddColumn'],
  'create-index': ['runPlan', 'planCreateIndex'],
  'add-foreign-key': ['runPlan', 'planAddForeignKey'],
  'set-not-null': ['runPlan', 'planSetNotNull'],
  backfill: ['runBackfill'],
  'change-type': ['runPlan', 'planChangeColumnType'],
};

export function ballastFor(id: ScenarioId): BallastRun | { readonly unavailable: string } {
  const exported = core as unknown as Record<string, unknown>;
  const missing = NEEDS[id].filter((name) => typeof exported[name] !== 'function');
  return { unavailable: `@ballast/core does not export ${missing.join(', ')} yet` };
}
