import { createHash } from 'node:crypto';
import type { Database } from '../db.js';
import { InvalidArgumentError, WrongContextError } from '../errors.js';
import { checkedBackfillSql } from '../ops/backfill.js';
import type { BackfillSpec } from '../plan.js';
import { silentProgress } from '../report/progress.js';
import { BACKFILL_DEFAULTS } from './defaults.js';
import { type LoopOptions, runBatchLoop } from './loop.js';
import { mysqlSource } from './mysql/source.js';
import { mysqlReplicaLagThrottle } from './mysql/throttles.js';
import {
  type BackfillJobStatus,
  type ControlRequest,
  forgetCheckpoint,
  listCheckpoints,
  storeControlRequest,
} from './pg/checkpoints.js';
import { rangedDryRunPaging, runRangedBackfill } from './pg/ranged.js';
import { replicaLagThrottle } from './pg/replica-lag.js';
import { type PostgresSource, postgresSource } from './pg/source.js';
import type { BackfillOptions, BackfillResult, Throttle } from './types.js';

export { BACKFILL_DEFAULTS } from './defaults.js';
export { BackfillError, runBatchLoop } from './loop.js';
export {
  type BackfillJobState,
  type BackfillJobStatus,
  CHECKPOINT_TABLE,
  CheckpointConflictError,
} from './pg/checkpoints.js';

import { parseCall } from '../validate/parse.js';
import { callArgs } from '../validate/run.js';

export { maxReplicaLagMs, replicaLagThrottle } from './pg/replica-lag.js';
export type * from './types.js';

/**
 * Rewrites existing rows in short batches: `spec.set` (SQL expressions, the fast path) or
 * `options.transform` (a JS function per row). Resumable from its checkpoint after any crash,
 * each row changed exactly once; see packages/core/README.md for options and guarantees.
 */
export async function runBackfill(
  db: Database,
  spec: BackfillSpec,
  options: BackfillOptions = {},
): Promise<BackfillResult> {
  parseCall('runBackfill', callArgs.runBackfill, [db, spec, options]);
  if (db.inTransaction) {
    throw new WrongContextError(`backfill of ${spec.table} cannot run inside the caller's transaction`, {
      where: spec.table,
      hint: 'each batch must commit on its own; run the backfill outside the migration transaction (e.g. `config.transaction = false` in Knex)',
    });
  }
  const hasSet = Object.keys(spec.set).length > 0;
  if (hasSet === Boolean(options.transform)) {
    throw new InvalidArgumentError([
      {
        argument: `runBackfill of ${spec.table}: spec.set / options.transform`,
        given: hasSet ? 'both' : 'neither',
        allowed: 'exactly one: spec.set (SQL expressions) or options.transform (a JS function)',
      },
    ]);
  }
  // The same fragment checks as planBackfill: a direct call must not skip them.
  const checked = { ...spec, ...checkedBackfillSql(spec, { setRequired: false, dialect: db.dialect }) };
  const o = { ...BACKFILL_DEFAULTS, ...definedOnly(options) };
  const job = options.job ?? defaultJobName(spec, options);
  // Short batches on both SQL stores: a batch's row locks hold the application's writes.
  const tuning = { targetBatchMs: ROW_LOCK_TARGET_BATCH_MS, ...definedOnly(options) };
  if (db.dialect === 'mysql') {
    if (options.concurrency !== undefined && options.concurrency > 1)
      throw new InvalidArgumentError([
        {
          argument: `runBackfill of ${spec.table}: options.concurrency`,
          given: String(options.concurrency),
          allowed: '1 or nothing on MySQL/MariaDB (key-range streams are PostgreSQL only so far)',
        },
      ]);
    const source = await mysqlSource(db, {
      ...sourceSpec(checked, options),
      lockTimeoutMs: o.lockTimeoutMs,
    });
    const throttles: Throttle[] = [...(options.throttles ?? [])];
    if (o.maxReplicaLagMs > 0) throttles.unshift(mysqlReplicaLagThrottle(db, o.maxReplicaLagMs));
    return runBatchLoop(source, loopOptionsOf(tuning, job, throttles));
  }
  const pgSpec = {
    ...sourceSpec(checked, options),
    ...(options.key ? { key: options.key } : {}),
    lockTimeoutMs: o.lockTimeoutMs,
    maxClientWaitMs: o.maxClientWaitMs,
  };
  const source = await postgresSource(db, pgSpec);
  // Per source: the replica-lag check runs on the source's own held connection.
  const throttlesOf = (of: PostgresSource): Throttle[] => [
    ...(o.maxReplicaLagMs > 0 ? [replicaLagThrottle(db, o.maxReplicaLagMs, of.replicaLagMs)] : []),
    ...(options.throttles ?? []),
  ];
  if (!options.dryRun) {
    // A restart forgets the job's ranges too, whichever way it runs now.
    if (options.restart) await db.withSession((s) => forgetCheckpoint(s, job));
    const ranged = await runRangedBackfill(db, source, {
      job,
      spec: pgSpec,
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      restart: options.restart ?? false,
      tuning,
      progress: options.progress ?? silentProgress,
      throttlesOf,
    });
    if (ranged) return ranged;
  }
  const result = await runBatchLoop(source, loopOptionsOf(tuning, job, throttlesOf(source)));
  if (!options.dryRun) return result;
  // A dry run says how the job would run: as key ranges when planRanges would cut the table.
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const paging = await rangedDryRunPaging(
    db,
    source,
    { job, concurrency, restart: options.restart ?? false },
    result.estimatedRows,
  );
  return paging ? { ...result, paging } : result;
}

/**
 * PostgreSQL key-range streams unless the caller sets `concurrency`: two nearly double a
 * backfill's throughput under load with p99 and max wait within the goals, four do not
 * (bench/results/backfill-streams.md).
 */
export const DEFAULT_CONCURRENCY = 2;

/**
 * The batch duration runBackfill aims at on PostgreSQL and MySQL/MariaDB unless the caller sets
 * `targetBatchMs`: a batch's row locks make an application write to one of its rows wait up to the
 * batch's length, so batches stay in tens of ms. At 50 ms a 1M-row fill under the bench's load is
 * as fast as at 100 ms and yields to waiting writers less often; at 30 ms the fill through an
 * expand's sync trigger was 25–30% slower (bench/results/backfill-streams.md). MySQL, which has
 * no impact guard yet: bench/results/mysql-helpers.md. Other loops default to BACKFILL_DEFAULTS.
 */
export const ROW_LOCK_TARGET_BATCH_MS = 50;

/** What every store's source takes from the spec and options. */
const sourceSpec = (spec: BackfillSpec, options: BackfillOptions) => ({
  table: spec.table,
  ...(spec.schema ? { schema: spec.schema } : {}),
  set: spec.set,
  ...(spec.where ? { where: spec.where } : {}),
  ...(options.transform ? { transform: options.transform } : {}),
});

/** Checkpoints of every backfill job in this database (or of `job`), newest first. */
/** The tuning every store's batch loop takes (PostgreSQL here, MongoDB in @ballast/mongoose). */
export type LoopTuning = Pick<
  BackfillOptions,
  | 'initialBatchSize'
  | 'minBatchSize'
  | 'maxBatchSize'
  | 'targetBatchMs'
  | 'pauseMs'
  | 'maxRetries'
  | 'progress'
  | 'onBatch'
  | 'onPause'
  | 'signal'
  | 'dryRun'
  | 'restart'
>;

/** The batch loop's options from backfill tuning, defaults applied: one mapping for every store. */
export function loopOptionsOf(tuning: LoopTuning, job: string, throttles: readonly Throttle[]): LoopOptions {
  const o = { ...BACKFILL_DEFAULTS, ...definedOnly(tuning) };
  return {
    job,
    bounds: {
      initial: o.initialBatchSize,
      min: o.minBatchSize,
      max: o.maxBatchSize,
      targetMs: o.targetBatchMs,
    },
    pauseMs: o.pauseMs,
    throttles: [...throttles],
    maxRetries: o.maxRetries,
    progress: tuning.progress ?? silentProgress,
    ...(tuning.onBatch ? { onBatch: tuning.onBatch } : {}),
    ...(tuning.onPause ? { onPause: tuning.onPause } : {}),
    ...(tuning.signal ? { signal: tuning.signal } : {}),
    dryRun: tuning.dryRun ?? false,
    restart: tuning.restart ?? false,
  };
}

export function backfillStatus(db: Database, job?: string): Promise<BackfillJobStatus[]> {
  return db.withSession((s) => listCheckpoints(s, job));
}

/**
 * Asks the runner of a running job to pause or cancel between batches (null: resume), from any
 * process (`ballast backfill pause|resume|cancel`). Returns the job, or undefined when no job of
 * that name is running.
 */
export function requestBackfill(
  db: Database,
  job: string,
  request: ControlRequest | null,
): Promise<BackfillJobStatus | undefined> {
  return db.withSession((s) => storeControlRequest(s, job, request));
}

/** `schema.table:<hash>`: the same spec resumes the same job; a different transform is a new job. */
export function defaultJobName(spec: BackfillSpec, options: Pick<BackfillOptions, 'transform'> = {}): string {
  const what = JSON.stringify({
    set: spec.set,
    where: spec.where ?? null,
    fn: options.transform?.toString() ?? null,
  });
  const hash = createHash('sha256').update(what).digest('hex').slice(0, 12);
  return `${spec.schema ?? 'public'}.${spec.table}:${hash}`;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
