/**
 * Ballast mode: the same change as the naive SQL, planned and run by @ballast/core. A scenario
 * whose operation core does not provide yet is reported as "not available", never approximated.
 */
import * as core from '@ballast/core';
import {
  changeColumnType,
  contract,
  type Plan,
  planAddColumn,
  planAddForeignKey,
  planCreateIndex,
  planSetNotNull,
  postgresDatabaseFromUrl,
  readServerInfo,
  runBackfill,
  runPlan,
  type ServerInfo,
} from '@ballast/core';
import { quoteIdent } from '@ballast/core/adapter';
import { PARENT, type ScenarioId, TABLE } from './scenarios.js';

export interface BallastContext {
  readonly url: string;
  readonly lockTimeoutMs: number;
  /** False in mode `ballast-no-wait`: plain lock_timeout retries, which queue clients per attempt. */
  readonly waitForConflictingLocks: boolean;
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
  'change-type': ['changeColumnType', 'contract'],
  'add-computed-column': ['changeColumnType'],
  'long-transaction': ['runPlan', 'planAddColumn'],
};

async function withDatabase(url: string, fn: (db: core.Database) => Promise<void>): Promise<void> {
  const db = postgresDatabaseFromUrl(url);
  try {
    await fn(db);
  } finally {
    await db.close?.();
  }
}

/** Plans with the live server's capabilities and runs with the benchmark's lock_timeout. */
const planned =
  (plan: (server: ServerInfo) => Plan): BallastRun =>
  (ctx) =>
    withDatabase(ctx.url, async (db) => {
      const server = await db.withSession((s) => readServerInfo(s));
      await runPlan(db, plan(server), {
        lockTimeoutMs: ctx.lockTimeoutMs,
        waitForConflictingLocks: ctx.waitForConflictingLocks,
        // Retries and step boundaries become ticks on the chart.
        log: (line) => ctx.event(line),
      });
    });

/** The Ballast side of each scenario, where core provides the operation. */
const RUNS: Partial<Record<ScenarioId, BallastRun>> = {
  'add-column': planned((server) =>
    planAddColumn(
      { table: TABLE, column: 'status', type: 'text', notNull: true, default: { value: 'new' } },
      server,
    ),
  ),
  'create-index': planned((server) =>
    planCreateIndex({ table: TABLE, columns: ['account_id'], name: 'bench_items_account_id_idx' }, server),
  ),
  // index: false — the naive statement builds no index either, so both modes make the same change.
  'add-foreign-key': planned((server) =>
    planAddForeignKey(
      {
        table: TABLE,
        columns: ['account_id'],
        references: { table: PARENT, columns: ['id'] },
        name: 'bench_items_account_fk',
        index: false,
      },
      server,
    ),
  ),
  'set-not-null': planned((server) => planSetNotNull({ table: TABLE, column: 'account_id' }, server)),
  backfill: (ctx) =>
    withDatabase(ctx.url, async (db) => {
      const sizes: number[] = [];
      const times: number[] = [];
      const r = await runBackfill(
        db,
        { table: TABLE, set: { amount_cents: `${quoteIdent('postgres', 'amount')} * 100` } },
        {
          lockTimeoutMs: ctx.lockTimeoutMs,
          onBatch: (b) => {
            sizes.push(b.rows);
            times.push(b.ms);
          },
        },
      );
      // How the pacing behaved, for reading the throughput: yields are batches the impact guard cancelled.
      const median = [...sizes].sort((a, b) => a - b)[Math.floor(sizes.length / 2)] ?? 0;
      const inBatches = times.reduce((a, b) => a + b, 0) / 1000;
      process.stderr.write(
        `    ballast: backfill ${r.batches} batches (median ${median} rows), ${r.streams ?? 1} stream(s) at most, ${r.yields} yields, ${r.retries} retries, ${inBatches.toFixed(1)} s in batches\n`,
      );
    }),
  // Both migrations of a real type change, back to back: expand (amount_new bigint, sync trigger,
  // batched backfill), then contract (backup of amount, drop it). In production a deploy sits
  // between them; the change-type application never names amount, so it runs across both.
  'change-type': (ctx) =>
    withDatabase(ctx.url, async (db) => {
      const options = {
        lockTimeoutMs: ctx.lockTimeoutMs,
        waitForConflictingLocks: ctx.waitForConflictingLocks,
        log: (line: string) => ctx.event(line),
      };
      ctx.event('phase: expand');
      await changeColumnType(db, { table: TABLE, column: 'amount', newType: 'bigint' }, options);
      ctx.event('phase: contract');
      await contract(db, { table: TABLE, column: 'amount' }, options);
    }),
  // The expand of a type change into a new column: sync trigger both ways (writers of `amount`
  // keep amount_cents right), batched backfill, then NOT NULL without a long lock. No contract:
  // `amount` stays, as in pgroll's add_column.
  'add-computed-column': (ctx) =>
    withDatabase(ctx.url, async (db) => {
      const c = (name: string) => quoteIdent('postgres', name);
      await changeColumnType(
        db,
        {
          table: TABLE,
          column: 'amount',
          newType: 'bigint',
          newColumn: 'amount_cents',
          using: `${c('amount')} * 100`,
          reverseUsing: `(${c('amount_cents')} / 100)::int`,
        },
        {
          lockTimeoutMs: ctx.lockTimeoutMs,
          waitForConflictingLocks: ctx.waitForConflictingLocks,
          log: (line: string) => ctx.event(line),
        },
      );
    }),
  'long-transaction': planned((server) =>
    planAddColumn({ table: TABLE, column: 'note', type: 'text' }, server),
  ),
};

export function ballastFor(id: ScenarioId): BallastRun | { readonly unavailable: string } {
  const run = RUNS[id];
  if (run) return run;
  const exported = core as unknown as Record<string, unknown>;
  const missing = NEEDS[id].filter((name) => typeof exported[name] !== 'function');
  return {
    unavailable:
      missing.length > 0
        ? `@ballast/core does not export ${missing.join(', ')} yet`
        : 'the benchmark does not drive this operation yet',
  };
}
