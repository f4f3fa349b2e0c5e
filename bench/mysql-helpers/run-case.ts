/**
 * One helper case, one mode, under load: a fresh copy of the template's tables, 4 clients, a long
 * reader that holds a metadata lock on the case's table when the change starts, and a watcher
 * that records every client (and the naive statement's session) seen waiting on a lock.
 * Shared by `pnpm bench:mysql-helpers` and packages/knex/test/mysql-helpers-load.test.ts.
 */
import { ballast } from '@ballast/knex';
import {
  connect,
  createTrafficTable,
  type LockWaitSighting,
  nowMs,
  quoteIdent,
  type TrafficReport,
  watchMysqlLockWaits,
} from '@ballast/testkit';
import knexFactory from 'knex';
import { freshDatabase, type LoadMeasure, underLoad } from '../mysql-load.js';
import type { HelperCase } from './cases.js';

export const TEMPLATE_TABLES = ['accounts', 'owners'] as const;

/** MariaDB's METADATA_LOCK_INFO lets the runner see who holds a table before asking for it. */
export async function ensureMetadataLockInfo(serverUrl: string): Promise<boolean> {
  const conn = await connect(serverUrl);
  try {
    const [row] = await conn.query<{ n: number }>(
      "select count(*) as n from information_schema.PLUGINS where PLUGIN_NAME = 'METADATA_LOCK_INFO' and PLUGIN_STATUS = 'ACTIVE'",
    );
    if (Number(row?.n) > 0) return false;
    await conn.query("install soname 'metadata_lock_info'");
    return true;
  } finally {
    await conn.close();
  }
}

/** `accounts` (testkit's traffic table, plus `note` filled and `tag` empty) and `owners` 0..1000. */
export async function createTemplate(serverUrl: string, name: string, rows: number): Promise<string> {
  const url = await freshDatabase(serverUrl, name);
  await createTrafficTable(url, 'accounts', rows);
  const conn = await connect(url);
  try {
    await conn.query('alter table accounts add column note varchar(40), add column tag varchar(40)');
    await conn.query("update accounts set note = concat('n', id)");
    await conn.query('create table owners (id int primary key) engine=InnoDB');
    await conn.query('insert into owners select seq from seq_0_to_1000');
  } finally {
    await conn.close();
  }
  return url;
}

export type Mode = 'naive' | 'ballast';

export interface CaseOptions {
  readonly serverUrl: string;
  readonly template: string;
  readonly rows: number;
  readonly clients: number;
  /** How long the reader keeps its transaction open at most. */
  readonly holdMs: number;
  /** End the reader as soon as a lock wait is seen (tests: no timing, the sighting is the proof). */
  readonly releaseOnWait?: boolean;
  readonly warmMs?: number;
  readonly coolMs?: number;
}

export interface CaseRun {
  readonly helper: string;
  readonly mode: Mode;
  /** `done`, `refused: <error name>` or `failed: <message>`. */
  readonly outcome: string;
  readonly error?: Error;
  readonly schemaAsAsked: boolean;
  /** The statement or helper alone (measure.durationMs also covers the reader's hold). */
  readonly migrationMs: number;
  readonly measure: LoadMeasure;
  /** The 3 slowest client queries that overlapped the change: what waited. */
  readonly slowest: readonly { readonly kind: string; readonly latencyMs: number; readonly code?: string }[];
  /** Clients seen waiting on a lock while the change ran. */
  readonly clientWaits: readonly LockWaitSighting[];
  /**
   * Those seen before the reader ended its transaction: queued behind it. Every DDL also takes
   * the table's exclusive metadata lock for a moment once the table is free (INSTANT included),
   * and clients arriving then wait that moment: seen after, not here.
   */
  readonly clientWaitsWhileHeld: readonly LockWaitSighting[];
  /** The naive statement's own session seen waiting on a lock. */
  readonly statementWaits: readonly LockWaitSighting[];
  readonly log: readonly string[];
}

const markAt = (report: TrafficReport, label: string) => report.marks.find((m) => m.label === label)!.at;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function copyTemplate(options: CaseOptions, name: string, prepare: readonly string[]): Promise<string> {
  const url = await freshDatabase(options.serverUrl, name);
  const conn = await connect(url);
  try {
    for (const table of TEMPLATE_TABLES) {
      const from = `${quoteIdent('mysql', options.template)}.${quoteIdent('mysql', table)}`;
      await conn.query(`create table ${quoteIdent('mysql', table)} like ${from}`);
      await conn.query(`insert into ${quoteIdent('mysql', table)} select * from ${from}`);
    }
    for (const sql of prepare) await conn.query(sql);
  } finally {
    await conn.close();
  }
  return url;
}

/** Opens a transaction that reads `table` and keeps it (and its metadata lock) until released. */
async function holdTable(url: string, table: string): Promise<() => Promise<void>> {
  const conn = await connect(url);
  await conn.query('start transaction');
  await conn.query(`select count(*) from ${quoteIdent('mysql', table)} where id = 1`);
  return async () => {
    await conn.query('commit');
    await conn.close();
  };
}

export async function runCase(helperCase: HelperCase, mode: Mode, options: CaseOptions): Promise<CaseRun> {
  const name = `helpers_${helperCase.helper.toLowerCase()}_${mode}`;
  const url = await copyTemplate(options, name, helperCase.prepare ?? []);
  const knex = knexFactory({ client: 'mysql2', connection: url, pool: { min: 0, max: 4 } });
  const statement = await connect(url);
  const log: string[] = [];
  const helpers = (migration: string) =>
    ballast(knex, { progress: false, log: (line) => log.push(line), migration });
  let outcome = 'done';
  let error: Error | undefined;
  let sightings: readonly LockWaitSighting[] = [];
  let clients: readonly number[] = [];
  let heldUntil = Number.POSITIVE_INFINITY;
  let migrationMs = 0;
  try {
    if (mode === 'naive') for (const sql of helperCase.naivePrepare ?? []) await statement.query(sql);
    else await helperCase.expand?.(helpers(`${name}_expand`));
    const { measure, report } = await underLoad(
      {
        url,
        table: 'accounts',
        rows: options.rows,
        clients: options.clients,
        warmMs: options.warmMs,
        coolMs: options.coolMs,
      },
      async (traffic) => {
        clients = traffic.sessionIds;
        // Row locks only where nothing of Ballast's runs (see watchMysqlLockWaits).
        const watch = await watchMysqlLockWaits(url, [...clients, statement.sessionId], {
          rowLocks: mode === 'naive',
        });
        const release = await holdTable(url, helperCase.table);
        const awaited = helperCase.naiveBlocks === 'itself' ? [statement.sessionId] : clients;
        const released = (async () => {
          if (options.releaseOnWait) await watch.firstSighting(options.holdMs, awaited);
          else await sleep(options.holdMs);
          heldUntil = nowMs();
          await release();
        })();
        const started = nowMs();
        try {
          if (mode === 'naive') await statement.query(helperCase.naive);
          else await helperCase.ballast(helpers(name));
        } catch (e) {
          error = e as Error;
          outcome =
            helperCase.refuses && error.name === helperCase.refuses
              ? `refused: ${error.name}`
              : `failed: ${error.message.split('\n')[0]}`;
        } finally {
          migrationMs = Math.round(nowMs() - started);
          await released;
          sightings = await watch.stop();
        }
      },
    );
    const check = await connect(url);
    const applied = await helperCase.asAsked(check, options.rows).finally(() => check.close());
    return {
      helper: helperCase.helper,
      mode,
      outcome,
      ...(error ? { error } : {}),
      // A refusal is as asked when nothing changed.
      schemaAsAsked: outcome.startsWith('refused') ? !applied : outcome === 'done' && applied,
      migrationMs,
      measure,
      slowest: report.queries
        .filter((q) => q.end >= markAt(report, 'start') && q.start <= markAt(report, 'end'))
        .sort((a, b) => b.latencyMs - a.latencyMs)
        .slice(0, 3)
        .map((q) => ({
          kind: q.kind,
          latencyMs: Math.round(q.latencyMs),
          ...(q.code ? { code: q.code } : {}),
        })),
      clientWaits: sightings.filter((s) => clients.includes(s.session)),
      clientWaitsWhileHeld: sightings.filter((s) => clients.includes(s.session) && s.at < heldUntil),
      statementWaits: sightings.filter((s) => s.session === statement.sessionId),
      log,
    };
  } finally {
    await statement.close();
    await knex.destroy();
    const admin = await connect(options.serverUrl);
    await admin.query(`drop database if exists ${quoteIdent('mysql', name)}`).finally(() => admin.close());
  }
}
