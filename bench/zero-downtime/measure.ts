/**
 * One measurement: a fresh copy of the scenario's table, pgbench traffic for a fixed time, a
 * long-running reader that starts before the migration (the classic production trigger: the
 * naive ALTER queues behind it and every client queues behind the ALTER), then the migration in
 * the given mode. Every mode gets the same traffic, the same reader at the same instant.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { quoteIdent } from '@ballast/core/adapter';
import { percentile } from '@ballast/testkit';
import { ballastFor } from './ballast.js';
import { startLockSampler } from './lock-sampler.js';
import { runStatements, withClient } from './pg-client.js';
import { type PgbenchResult, runPgbench } from './pgbench.js';
import { pgrollFor } from './pgroll.js';
import { applicationScripts, type Scenario, TABLE } from './scenarios.js';

/**
 * Every mode `pnpm bench --modes` knows, in report order. `ballast-no-wait`: Ballast with
 * `waitForConflictingLocks: false` (lock_timeout retries only).
 */
export const MODES = ['idle', 'naive', 'ballast-no-wait', 'ballast', 'pgroll'] as const;
export type Mode = (typeof MODES)[number];

export interface Settings {
  readonly clients: number;
  readonly durationS: number;
  /** Seconds of traffic before the reader and the migration start. */
  readonly warmupS: number;
  /** How long the background reader holds its ACCESS SHARE lock. */
  readonly readerHoldMs: number;
  /** The migration starts this long after the reader, so it finds the lock taken. */
  readonly readerLeadMs: number;
  readonly lockTimeoutMs: number;
  readonly rate?: number;
}

/** A labelled instant, in ms since traffic started. */
export interface Phase {
  readonly label: string;
  readonly atMs: number;
}

export interface Measurement {
  readonly scenario: string;
  readonly mode: Mode;
  readonly clients: number;
  readonly rows: number;
  readonly available: boolean;
  readonly note?: string;
  readonly p50_ms?: number;
  readonly p99_ms?: number;
  readonly max_ms?: number;
  readonly errors?: number;
  readonly tps?: number;
  readonly duration_s?: number;
  readonly max_lock_wait_ms?: number;
  /** Successful transactions slower than 50 ms: the tail the application feels. */
  readonly over_50ms?: number;
  /** Scenarios that fill every row (backfill, add-computed-column): rows per second of migration. */
  readonly rows_per_s?: number;
  /** For the chart: [ms since traffic start, longest wait of an in-flight transaction] per 100 ms. */
  readonly series?: readonly (readonly [number, number])[];
  readonly phases?: readonly Phase[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export function databaseUrl(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The long-running reader: a transaction that read the table and is still open. */
const holdReader = (url: string, holdMs: number) =>
  withClient(
    url,
    async (c) => {
      await c.query('begin');
      await c.query(`select count(*) from ${quoteIdent('postgres', TABLE)}`);
      await c.query('select pg_sleep($1::float8 / 1000)', [holdMs]);
      await c.query('commit');
    },
    'ballast-bench-reader',
  );

/**
 * For each 100 ms bin: how long the longest-waiting transaction in flight during the bin had been
 * waiting by the bin's end (or until it finished). A stall then shows as a ramp while clients wait,
 * not as a single point when they are finally served.
 */
function longestWaitPer100ms(result: PgbenchResult, startedAt: number): [number, number][] {
  const bins = new Map<number, number>();
  for (const s of result.samples) {
    if (s.failed) continue;
    const end = s.endMs - startedAt;
    const start = end - s.latencyMs;
    for (let bin = Math.max(0, Math.floor(start / 100) * 100); bin <= end; bin += 100) {
      const waited = Math.min(end, bin + 100) - start;
      bins.set(bin, Math.max(bins.get(bin) ?? 0, waited));
    }
  }
  return [...bins.entries()].sort((a, b) => a[0] - b[0]);
}

export async function measure(
  serverUrl: string,
  template: string,
  scenario: Scenario,
  mode: Mode,
  rows: number,
  settings: Settings,
  workDir: string,
): Promise<Measurement> {
  const base = { scenario: scenario.id, mode, clients: settings.clients, rows };
  const ballast = mode === 'ballast' || mode === 'ballast-no-wait' ? ballastFor(scenario.id) : undefined;
  if (ballast && 'unavailable' in ballast) return { ...base, available: false, note: ballast.unavailable };

  const db = `zd_run_${scenario.id.replaceAll('-', '_')}_${mode.replaceAll('-', '_')}`;
  const dropRunDatabase = `drop database if exists ${quoteIdent('postgres', db)} with (force)`;
  await runStatements(serverUrl, [
    dropRunDatabase,
    `create database ${quoteIdent('postgres', db)} template ${quoteIdent('postgres', template)}`,
  ]);
  // Copying the template wrote the whole table to WAL and left its pages dirty: flushed now, so
  // every mode starts clean and no checkpoint of the copy lands in the measured run. (Idle runs
  // still see 100–200 ms stalls at 1M rows after it: those are the machine's.)
  await runStatements(serverUrl, ['checkpoint']).catch((error: Error) =>
    process.stderr.write(`[bench] checkpoint before the run skipped: ${error.message.split('\n')[0]}\n`),
  );
  const url = databaseUrl(serverUrl, db);
  // One directory per run: pgbench's log files of another size must not be read as this run's.
  const dir = join(workDir, `${scenario.id}-${rows}-${mode}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    const pgroll = mode === 'pgroll' ? pgrollFor(scenario.id, url, settings.lockTimeoutMs, dir) : undefined;
    if (pgroll && 'unavailable' in pgroll) return { ...base, available: false, note: pgroll.unavailable };
    const prepared = await pgroll?.prepare().then(
      () => undefined,
      (error: Error) => `pgroll setup failed: ${error.message.split('\n')[0]}`,
    );
    if (prepared) return { ...base, available: false, note: prepared };
    const sampler = await startLockSampler(url);
    const traffic = runPgbench({
      url,
      scripts: applicationScripts(scenario),
      clients: settings.clients,
      durationS: settings.durationS,
      defines: { rows },
      dir,
      ...(settings.rate ? { rate: settings.rate } : {}),
    });
    const phases: Phase[] = [];
    const mark = (label: string) => phases.push({ label, atMs: Date.now() - traffic.startedAt });
    await sleep(settings.warmupS * 1000);
    mark('reader start');
    const reader = holdReader(url, settings.readerHoldMs).then(() => mark('reader end'));
    await sleep(settings.readerLeadMs);
    let migrationMs: number | undefined;
    let migrationError: string | undefined;
    if (mode !== 'idle') {
      mark('migration start');
      const t0 = Date.now();
      try {
        if (mode === 'naive') await runStatements(url, [scenario.naive], 'ballast-bench-naive');
        else if (pgroll) await pgroll.migrate();
        else if (ballast) {
          const event = (label: string) => {
            mark(label);
            process.stderr.write(`    ballast: ${label}\n`);
          };
          await ballast({
            url,
            lockTimeoutMs: settings.lockTimeoutMs,
            waitForConflictingLocks: mode === 'ballast',
            event,
          });
        }
      } catch (error) {
        migrationError = (error as Error).message.split('\n')[0];
      }
      migrationMs = Date.now() - t0;
      mark('migration end');
    }
    const result = await traffic.done;
    await reader;
    const maxLockWaitMs = await sampler.stop();
    if (migrationMs !== undefined && migrationMs > settings.durationS * 1000 - settings.warmupS * 1000) {
      migrationError ??= 'migration outlasted the traffic: raise --duration';
    }
    const latencies = result.samples
      .filter((s) => !s.failed)
      .map((s) => s.latencyMs)
      .sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 10) / 10;
    return {
      ...base,
      available: true,
      ...(migrationError ? { note: migrationError } : {}),
      ...(result.errorLines.length > 0 && !migrationError ? { note: result.errorLines[0] } : {}),
      p50_ms: round(percentile(latencies, 50)),
      p99_ms: round(percentile(latencies, 99)),
      max_ms: round(latencies[latencies.length - 1] ?? 0),
      errors: result.errors,
      tps: round(latencies.length / settings.durationS),
      duration_s: migrationMs === undefined ? 0 : Math.round(migrationMs) / 1000,
      max_lock_wait_ms: Math.round(maxLockWaitMs),
      over_50ms: latencies.filter((ms) => ms > 50).length,
      ...(scenario.fillsRows && mode !== 'idle' && migrationMs
        ? { rows_per_s: Math.round(rows / (migrationMs / 1000)) }
        : {}),
      series: longestWaitPer100ms(result, traffic.startedAt),
      phases,
    };
  } finally {
    await runStatements(serverUrl, [dropRunDatabase]);
  }
}
