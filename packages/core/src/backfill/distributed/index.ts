export type { BackfillWorkerOptions, DistributedBackfillOptions } from './options.js';
export { type BackfillWorkerStatus, backfillWorkers } from './progress.js';
export { type DistributedBackfillStart, startDistributedBackfill } from './start.js';
export { type BackfillWorkerResult, runBackfillWorker } from './worker.js';
