export { observeGate } from './gates.js';
export { RolloutHaltedError, runRollout } from './run-rollout.js';
export { ROLLOUT_TARGETS_TABLE, ROLLOUTS_TABLE, readRollouts } from './state.js';
export { targetKey } from './targets.js';
export type * from './types.js';
export { DEFAULT_WAVES, waveSizes } from './waves.js';
