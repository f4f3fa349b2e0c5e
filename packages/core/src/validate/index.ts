/** The checks of public inputs: one parse helper, the schemas adapters compose (e.g. @ballast/knex). */
import * as common from './common.js';
import { columnDefault, referentialAction } from './ops.js';
import {
  backfillOptions,
  backupOptions,
  dropWithBackupOptions,
  lockOptions,
  retryOptions,
  runOptions,
} from './run.js';

export { parseArgs, parseCall } from './parse.js';
export { showValue } from './show.js';

export const schemas = {
  ...common,
  columnDefault,
  referentialAction,
  retryOptions,
  runOptions,
  lockOptions,
  backfillOptions,
  backupOptions,
  dropWithBackupOptions,
} as const;
