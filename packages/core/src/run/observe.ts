import type { Plan, Step } from '../plan.js';

/**
 * A process-wide observer of the steps the runner executes, for tools that watch migrations they
 * do not call themselves (`ballast plan`/`check` label their lock trace with the step that sent each
 * statement). Process-wide because the helpers are created inside the user's migration files, where
 * no run option of the tool can reach; keyed by Symbol.for so that two copies of @ballast/core in
 * one process (a tool's and the migrations') share it.
 */
export type StepObserver = (event: { readonly plan: Plan; readonly step: Step | undefined }) => void;

const KEY = Symbol.for('ballast.stepObserver');
type Holder = { [KEY]?: StepObserver };

/** Installs `observer` (or removes it with undefined). */
export function observeSteps(observer: StepObserver | undefined): void {
  (globalThis as Holder)[KEY] = observer;
}

/** The runner's call: `step` starts now; undefined once it is done. */
export function notifyStep(plan: Plan, step: Step | undefined): void {
  (globalThis as Holder)[KEY]?.({ plan, step });
}
