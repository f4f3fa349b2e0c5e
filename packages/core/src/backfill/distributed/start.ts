import type { Database } from '../../db.js';
import { readTable } from '../../dialects/postgres/introspect.js';
import { requireDatabaseDialect } from '../../dialects/server.js';
import { requireTableColumn, tableRef } from '../../dialects/table-ref.js';
import { checkedBackfillSql } from '../../ops/backfill.js';
import type { BackfillSpec } from '../../plan.js';
import { parseCall } from '../../validate/parse.js';
import { defaultJobName } from '../index.js';
import {
  DISTRIBUTED_PAGING,
  ensureCheckpointTable,
  setCheckpointStatus,
  startCheckpoint,
} from '../pg/checkpoints.js';
import { inTransaction } from '../pg/transaction.js';
import { type DistributedBackfillOptions, distributedArgs } from './options.js';
import {
  QUEUE,
  QUEUE_DEFAULTS,
  type RangeJobData,
  rangeJobId,
  sessionExecutor,
  startQueue,
} from './queue.js';
import { splitKeyRanges } from './split.js';
import { DISTRIBUTED_TABLE, ensureDistributedTables, rangeJobName, type StoredTuning } from './tables.js';

export interface DistributedBackfillStart {
  readonly job: string;
  readonly target: string;
  /** Key ranges of the job (each one queue job, each its own checkpoint `<job>#<i>`). */
  readonly ranges: number;
  /** Queue jobs inserted by this call: 0 when the same plan was already queued or is done. */
  readonly enqueued: number;
  readonly status: 'queued' | 'already-done';
}

/**
 * Plans a backfill as key ranges and queues one pg-boss job per range, in ONE transaction with
 * the plan and the ranges' checkpoints: either all of it is there for the workers or none.
 * Workers (`runBackfillWorker`, `ballast backfill worker`) on any machine then run the ranges.
 * Calling it again is safe: a running job is left as it is; a cancelled or failed one is queued
 * again and resumes each range from its checkpoint.
 */
export async function startDistributedBackfill(
  db: Database,
  spec: BackfillSpec,
  options: DistributedBackfillOptions = {},
): Promise<DistributedBackfillStart> {
  parseCall('startDistributedBackfill', distributedArgs, [db, spec, options]);
  requireDatabaseDialect(db, 'postgres', 'startDistributedBackfill');
  const checked = { ...spec, ...checkedBackfillSql(spec, { setRequired: true, dialect: 'postgres' }) };
  // Not runBackfill's default name: the same spec run in one process is another job.
  const job = options.job ?? `${defaultJobName(checked)}@workers`;
  const settings = { ...QUEUE_DEFAULTS, leaseSeconds: options.leaseSeconds ?? QUEUE_DEFAULTS.leaseSeconds };
  const tuning: StoredTuning = defined({
    initialBatchSize: options.initialBatchSize,
    minBatchSize: options.minBatchSize,
    maxBatchSize: options.maxBatchSize,
    targetBatchMs: options.targetBatchMs,
    pauseMs: options.pauseMs,
    maxReplicaLagMs: options.maxReplicaLagMs,
    maxClientWaitMs: options.maxClientWaitMs,
    lockTimeoutMs: options.lockTimeoutMs,
    maxRetries: options.maxRetries,
  });
  const storedSpec = defined({
    table: checked.table,
    schema: checked.schema,
    set: checked.set,
    where: checked.where,
  });

  const boss = await startQueue(db, settings);
  try {
    return await db.withSession(async (s) => {
      await ensureCheckpointTable(s);
      await ensureDistributedTables(s);
      const info = await readTable(s, tableRef(checked), 'distributed backfill');
      for (const column of Object.keys(checked.set)) requireTableColumn(info, column, 'distributed backfill');
      return inTransaction(s, async () => {
        const [existing] = await s.query<{ ranges: number; generation: number; status: string | null }>(
          `select d.ranges, d.generation, c.status from ${DISTRIBUTED_TABLE} d
             left join ballast_backfill_checkpoints c on c.job = d.job where d.job = $1 for update of d`,
          [job],
        );
        const base = { job, target: info.label };
        if (existing?.status === 'done')
          return { ...base, ranges: existing.ranges, enqueued: 0, status: 'already-done' } as const;
        // A running job keeps its generation (re-sending its ids inserts nothing); a stopped one is queued anew.
        const again = existing !== undefined && existing.status !== 'running';
        const ranges = existing
          ? Array.from({ length: existing.ranges }, (_, index) => ({ index }))
          : await splitKeyRanges(s, info, options.ranges ?? DEFAULT_RANGES);
        const [row] = await s.query<{ generation: number }>(
          `insert into ${DISTRIBUTED_TABLE} (job, spec, tuning, ranges, rows_per_second, tokens)
           values ($1, $2, $3, $4, $5::float8, coalesce($5::float8, 0))
           on conflict (job) do update set rows_per_second = excluded.rows_per_second,
             generation = ${DISTRIBUTED_TABLE}.generation + $6
           returning generation`,
          [job, storedSpec, tuning, ranges.length, options.rowsPerSecond ?? null, again ? 1 : 0],
        );
        if (!existing) {
          await startCheckpoint(s, job, info.label, PARENT_PAGING, undefined, false);
          if (ranges.length === 0) {
            // An empty table: nothing to queue, nothing for a worker to finish.
            await setCheckpointStatus(s, job, 'done');
            return { ...base, ranges: 0, enqueued: 0, status: 'already-done' } as const;
          }
          for (const r of ranges as Awaited<ReturnType<typeof splitKeyRanges>>)
            await startCheckpoint(
              s,
              rangeJobName(job, r.index),
              info.label,
              'keyset',
              r.upTo,
              false,
              r.after,
            );
        } else if (again) {
          await setCheckpointStatus(s, job, 'running');
        }
        let enqueued = 0;
        const executor = sessionExecutor(s);
        for (const { index } of ranges) {
          const data: RangeJobData = { job, range: index };
          const id = await boss.send(QUEUE, data, {
            id: rangeJobId(job, row!.generation, index),
            retryLimit: settings.retryLimit,
            retryDelay: 0,
            expireInSeconds: settings.leaseSeconds,
            db: executor,
          });
          if (id) enqueued += 1;
        }
        return { ...base, ranges: ranges.length, enqueued, status: 'queued' } as const;
      });
    });
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}

/** The job's own checkpoint row aggregates its ranges; its paging says so. */
export const PARENT_PAGING = DISTRIBUTED_PAGING;
const DEFAULT_RANGES = 64;

function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
