export { LINT_USAGE, parseLintArgs } from './lint-args.js';
export { runLint } from './lint-command.js';
export { collectInputs, isPrismaMigration } from './lint-inputs.js';
