import { z } from 'zod';
import type { BackfillOptions, RowTransform, Throttle } from '../backfill/types.js';
import type { BackupFilter } from '../backup/catalog.js';
import type { BackupOptions, DropWithBackupOptions } from '../backup/options.js';
import type { Database } from '../db.js';
import type { BackfillSpec, Plan } from '../plan.js';
import type { RunOptions } from '../run/options.js';
import {
  confirmUnused,
  days,
  fn,
  milliseconds,
  name,
  names,
  nonNegativeInt,
  positiveInt,
  progressReporter,
  sql,
  tableRef,
} from './common.js';

/**
 * Options of the runner, the backfill engine, expand/contract and the backup functions. Their
 * TypeScript interfaces stay beside the code that uses them (run/options.ts, backfill/types.ts,
 * backup/); `z.ZodType<…>` here makes the compiler hold each schema to its interface.
 */

export const database = z
  .custom<Database>(
    (v) => typeof v === 'object' && v !== null && typeof (v as Database).withSession === 'function',
  )
  .describe('a Database (postgresDatabase(pool), knexDatabase(knex) …)');

export const retryOptions = z
  .strictObject({
    maxAttempts: positiveInt.optional(),
    baseDelayMs: milliseconds.optional(),
    maxDelayMs: milliseconds.optional(),
  })
  .readonly();

export const backfillOptions = z.strictObject({
  job: name.optional(),
  initialBatchSize: positiveInt.optional(),
  minBatchSize: positiveInt.optional(),
  maxBatchSize: positiveInt.optional(),
  targetBatchMs: milliseconds.optional(),
  pauseMs: milliseconds.optional(),
  throttles: z.array(fn<Throttle>('a throttle function')).readonly().optional(),
  maxReplicaLagMs: milliseconds.optional(),
  maxClientWaitMs: milliseconds.optional(),
  lockTimeoutMs: milliseconds.optional(),
  maxRetries: nonNegativeInt.optional(),
  progress: progressReporter.optional(),
  onBatch: fn<NonNullable<BackfillOptions['onBatch']>>().optional(),
  onPause: fn<NonNullable<BackfillOptions['onPause']>>().optional(),
  signal: z.instanceof(AbortSignal).optional(),
  dryRun: z.boolean().optional(),
  restart: z.boolean().optional(),
  transform: fn<RowTransform>('a row transform function').optional(),
  key: z
    .union([names, z.literal('ctid')])
    .optional()
    .describe('key column names, or "ctid"'),
  concurrency: positiveInt.optional(),
}) satisfies z.ZodType<BackfillOptions>;

export const backfillSpec = z
  .strictObject({
    ...tableRef,
    set: z.record(name, sql).readonly().describe('{ <column>: "<SQL expression>" }'),
    where: sql.optional(),
  })
  .readonly() satisfies z.ZodType<BackfillSpec>;

export const lockOptions = z
  .union([
    z.literal(false),
    z
      .strictObject({
        name: name.optional(),
        ttlMs: milliseconds.optional(),
        waitMs: milliseconds.optional(),
        log: fn<(line: string) => void>('a function (line) => void').optional(),
      })
      .readonly(),
  ])
  .describe('false, or { name?, ttlMs?, waitMs?, log? }');

const runShape = {
  lockTimeoutMs: milliseconds.optional(),
  statementTimeoutMs: milliseconds.optional(),
  retry: retryOptions.optional(),
  migration: name.optional(),
  log: fn<(line: string) => void>('a function (line) => void').optional(),
  progress: progressReporter.optional(),
  // Backfill options as passed on by the runner: each one checked like runBackfill's own.
  backfill: backfillOptions.optional(),
  lock: lockOptions.optional(),
  waitForConflictingLocks: z.boolean().optional(),
};
export const runOptions = z.strictObject(runShape).readonly() satisfies z.ZodType<RunOptions>;

const backupShape = {
  lockTimeoutMs: milliseconds.optional(),
  retry: retryOptions.optional(),
  migration: name.optional(),
  retentionDays: days.optional(),
  batchSize: positiveInt.optional(),
  progress: progressReporter.optional(),
  valuesOnly: z.boolean().optional(),
};
export const backupOptions = z.strictObject(backupShape).readonly() satisfies z.ZodType<BackupOptions>;
export const dropWithBackupOptions = z
  .strictObject({ ...backupShape, run: runOptions.optional() })
  .readonly() satisfies z.ZodType<DropWithBackupOptions>;
export const purgeOptions = z
  .strictObject({
    ...backupShape,
    expiredOnly: z.boolean().optional(),
    now: z.date().optional(),
    ids: z.array(z.number().int().positive()).readonly().optional(),
  })
  .readonly();

const filterShape = {
  table: name.optional(),
  column: name.optional(),
  migration: name.optional(),
  includeHistory: z.boolean().optional(),
};
export const backupFilter = z.strictObject(filterShape).readonly() satisfies z.ZodType<BackupFilter>;
export const backupSelector = z
  .union([z.number().int().positive(), z.strictObject({ ...filterShape, table: name }).readonly()])
  .describe('a backup id, or { table, column?, migration?, includeHistory? }');

export const columnDrop = z.strictObject({ ...tableRef, column: name, confirmUnused }).readonly();
export const tableDrop = z.strictObject({ ...tableRef, confirmUnused }).readonly();

export const contractOptions = z
  .strictObject({
    ...runShape,
    retentionDays: backupShape.retentionDays,
    batchSize: backupShape.batchSize,
    backupMigration: name.optional(),
    ignoreVerifyMismatches: z.boolean().optional(),
  })
  .readonly();

export const columnRef = z.strictObject({ ...tableRef, column: name }).readonly();
export const renameColumnRequest = z.strictObject({ ...tableRef, from: name, to: name }).readonly();
export const changeColumnTypeRequest = z
  .strictObject({
    ...tableRef,
    column: name,
    newType: sql,
    using: sql.optional(),
    reverseUsing: sql.optional(),
    newColumn: name.optional(),
  })
  .readonly();

const plan = z
  .custom<Plan>((v) => typeof v === 'object' && v !== null && Array.isArray((v as Plan).steps))
  .describe('a Plan returned by a plan* function');

/** Positional arguments of the exported runners, by name, for parseCall. */
export const callArgs = {
  runPlan: { db: database, plan, options: runOptions },
  runBackfill: { db: database, spec: backfillSpec, options: backfillOptions },
  renameColumn: { db: database, input: renameColumnRequest, options: runOptions },
  changeColumnType: { db: database, input: changeColumnTypeRequest, options: runOptions },
  undoExpand: { db: database, ref: columnRef, options: runOptions },
  contract: { db: database, ref: columnRef, options: contractOptions },
  undoContract: { db: database, ref: columnRef, options: contractOptions },
  dropColumnWithBackup: { db: database, ref: columnDrop, options: dropWithBackupOptions },
  dropTableWithBackup: { db: database, ref: tableDrop, options: dropWithBackupOptions },
  restoreBackup: { db: database, which: backupSelector, options: backupOptions },
  listBackups: { db: database, filter: backupFilter },
  purgeBackups: { db: database, options: purgeOptions },
} as const;
