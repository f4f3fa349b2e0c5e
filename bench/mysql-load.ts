/**
 * What the MySQL/MariaDB benches share: a core Database over a URL, and a change run under
 * testkit's closed-loop traffic (point reads, inserts, updates by primary key) with the client
 * latencies and errors that overlapped it.
 */
import type { Database } from '@ballast/core';
import { connect, startTraffic, type Traffic, type TrafficReport } from '@ballast/testkit';

export const databaseOf = (url: string): Database => ({
  dialect: 'mysql',
  async withSession(fn) {
    const conn = await connect(url);
    try {
      return await fn(conn);
    } finally {
      await conn.close();
    }
  },
});

/** Drops and creates database `name` on the server at `serverUrl`; returns its URL. */
export async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = await connect(serverUrl);
  try {
    await admin.query(`drop database if exists \`${name}\``);
    await admin.query(`create database \`${name}\``);
  } finally {
    await admin.close();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface LoadMeasure {
  readonly durationMs: number;
  readonly errors: number;
  readonly firstErrors: readonly string[];
  /** The slowest client query that overlapped the change. */
  readonly maxWaitMs: number;
  readonly p99Ms: number;
  readonly queries: number;
}

export interface LoadTarget {
  readonly url: string;
  readonly table: string;
  readonly rows: number;
  readonly clients: number;
  /** Traffic before and after the change (default 1000 ms each). */
  readonly warmMs?: number;
  readonly coolMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `change` while `target.clients` clients read and write `target.table`. */
export async function underLoad<T>(
  target: LoadTarget,
  change: (traffic: Traffic) => Promise<T>,
): Promise<{ value: T; measure: LoadMeasure; report: TrafficReport }> {
  const traffic = await startTraffic({
    url: target.url,
    table: target.table,
    rows: target.rows,
    clients: target.clients,
  });
  let value: T;
  let start: number;
  let end: number;
  let report: TrafficReport;
  try {
    await sleep(target.warmMs ?? 1000);
    start = traffic.mark('start');
    try {
      value = await change(traffic);
    } finally {
      end = traffic.mark('end');
    }
    await sleep(target.coolMs ?? 1000);
  } finally {
    report = await traffic.stop();
  }
  const during = report.between(start, end);
  return {
    value,
    report,
    measure: {
      durationMs: Math.round(end - start),
      errors: report.errors.length,
      firstErrors: report.errors.slice(0, 3).map((e) => `${e.code ?? ''} ${e.error}`),
      maxWaitMs: Math.round(during.max),
      p99Ms: Math.round(during.p99 * 10) / 10,
      queries: report.queries.length,
    },
  };
}
