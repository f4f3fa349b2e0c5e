/**
 * One act of the demo: live application traffic on a table, a long-running report query that
 * holds its read lock (the classic production trigger), and optionally a migration started while
 * that lock is held. Returns what the application's clients saw.
 */

import { quoteIdent } from '@ballast/core/adapter';
import { connect, startTraffic, type TrafficReport } from '@ballast/testkit';

export interface SceneOptions {
  readonly url: string;
  readonly table: string;
  readonly rows: number;
  readonly clients: number;
  /** How long the report query keeps its transaction (and ACCESS SHARE lock) open. */
  readonly readerHoldMs: number;
  /** Traffic before the report query starts, and after the migration ends. */
  readonly warmupMs: number;
  readonly migration?: () => Promise<void>;
}

export interface SceneResult {
  readonly report: TrafficReport;
  readonly migrationMs?: number;
  readonly migrationError?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function holdReadLock(url: string, table: string, holdMs: number): Promise<void> {
  const conn = await connect(url);
  try {
    await conn.query('begin');
    await conn.query(`select count(*) from ${quoteIdent('postgres', table)}`);
    await conn.query('select pg_sleep($1::float8 / 1000)', [holdMs]);
    await conn.query('commit');
  } finally {
    await conn.close();
  }
}

export async function playScene(options: SceneOptions): Promise<SceneResult> {
  const traffic = await startTraffic({
    url: options.url,
    table: options.table,
    rows: options.rows,
    clients: options.clients,
    thinkMs: 1,
  });
  let reader: Promise<void> | undefined;
  try {
    await sleep(options.warmupMs);
    reader = holdReadLock(options.url, options.table, options.readerHoldMs);
    // Let the report query take its lock first: the migration then arrives behind it.
    await sleep(300);
    if (!options.migration) {
      await reader;
      await sleep(options.warmupMs);
      return { report: await traffic.stop() };
    }
    const t0 = Date.now();
    let migrationError: string | undefined;
    try {
      await options.migration();
    } catch (error) {
      migrationError = (error as Error).message.split('\n')[0];
    }
    const migrationMs = Date.now() - t0;
    await reader;
    await sleep(options.warmupMs);
    return { report: await traffic.stop(), migrationMs, ...(migrationError ? { migrationError } : {}) };
  } catch (error) {
    await traffic.stop().catch(() => {});
    throw error;
  } finally {
    await reader?.catch(() => {});
  }
}
