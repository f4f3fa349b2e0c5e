import type { Session } from '../../db.js';
import { createIfMissing, objectExists } from '../../run/ensure-table.js';
import type { Cursor } from '../types.js';
import type { DistributedBackfillOptions } from './options.js';

/**
 * A distributed backfill's plan (spec, tuning, number of key ranges) and its global rate budget
 * (a token bucket that every worker debits atomically), one row per job. Progress and
 * pause/cancel stay on the checkpoint rows: the job's own row aggregates its ranges' rows.
 */
export const DISTRIBUTED_TABLE = 'ballast_backfill_distributed';
/** One row per worker and job, refreshed between batches: `ballast backfill status` counts the live ones. */
export const WORKERS_TABLE = 'ballast_backfill_workers';

const DDL = `create table if not exists ${DISTRIBUTED_TABLE} (
  job text primary key,
  spec jsonb not null,
  tuning jsonb not null,
  ranges int not null,
  generation int not null default 1,
  rows_per_second float8,
  tokens float8 not null default 0,
  refilled_at timestamptz not null default clock_timestamp(),
  created_at timestamptz not null default now());
create table if not exists ${WORKERS_TABLE} (
  worker text not null,
  job text not null,
  range_index int,
  started_at timestamptz not null default now(),
  seen_at timestamptz not null default now(),
  primary key (worker, job))`;

export async function ensureDistributedTables(session: Session): Promise<void> {
  await createIfMissing(session, 'relation', DISTRIBUTED_TABLE, DDL);
  await createIfMissing(session, 'relation', WORKERS_TABLE, DDL);
}

export const distributedTablesExist = (session: Session) =>
  objectExists(session, 'relation', DISTRIBUTED_TABLE);

export { rangeJobName, rangeJobNames } from '../pg/checkpoints.js';

export interface DistributedRow {
  readonly job: string;
  readonly spec: StoredSpec;
  readonly tuning: StoredTuning;
  readonly ranges: number;
  readonly generation: number;
  readonly rows_per_second: number | null;
}

/** What workers need to rebuild the source: the spec as given (SQL `set` only: JS functions do not travel). */
export interface StoredSpec {
  readonly table: string;
  readonly schema?: string;
  readonly set: Readonly<Record<string, string>>;
  readonly where?: string;
}

/** The batch-loop tuning every worker applies to every range of the job: the job's own options minus its plan. */
export type StoredTuning = Omit<
  DistributedBackfillOptions,
  'job' | 'ranges' | 'rowsPerSecond' | 'leaseSeconds'
>;

export async function readDistributed(session: Session, job: string): Promise<DistributedRow | undefined> {
  if (!(await distributedTablesExist(session))) return undefined;
  const [row] = await session.query<DistributedRow>(
    `select job, spec, tuning, ranges, generation, rows_per_second from ${DISTRIBUTED_TABLE} where job = $1`,
    [job],
  );
  return row;
}

/** One key range: rows with `after < key <= upTo` (the cursor and upper bound of its checkpoint). */
export interface KeyRange {
  readonly index: number;
  readonly after: Cursor;
  readonly upTo: Cursor;
}
