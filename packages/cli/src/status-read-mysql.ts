/**
 * `ballast status` on MySQL/MariaDB, read-only like the PostgreSQL reader (status-read.ts): the
 * same report from the same ballast_* tables, read with information_schema and `?` placeholders.
 * The migrator lock is a GET_LOCK there: a row of ballast_locks counts only while its session
 * still holds the lock (the runtime's sessionLock.holder says so).
 */
import {
  type BackfillJobStatus,
  type Database,
  type ExpansionRecord,
  listBackups,
  pendingContractions,
  type Session,
} from '@ballast/core';
import { runtimeOf } from '@ballast/core/adapter';
import { backfillViews, journalProblems, type LockHolder, type StatusReport, TABLES } from './status-read.js';

export async function readMysqlStatus(db: Database): Promise<StatusReport> {
  const present = await db.withSession((s) => existing(s, TABLES));
  const [locks, journal, jobs] = await db.withSession(async (s) => [
    present.has('ballast_locks') ? await lockHolders(s) : [],
    present.has('ballast_journal') ? await journalProblems(s) : { migrations: 0, unfinished: [] },
    present.has('ballast_backfill_checkpoints') ? await checkpoints(s) : [],
  ]);
  return {
    ballastUsed: present.size > 0,
    locks,
    journal,
    backfills: await backfillViews(db, jobs),
    expansions: await expansions(db),
    // ballast-prisma deploys to PostgreSQL only.
    prismaContracts: [],
    backups: await listBackups(db),
  };
}

async function existing(s: Session, names: readonly string[]): Promise<Set<string>> {
  const rows = await s.query<{ name: string }>(
    `select TABLE_NAME as name from information_schema.TABLES
      where TABLE_SCHEMA = database() and TABLE_NAME in (${names.map(() => '?').join(', ')})`,
    names,
  );
  return new Set(rows.map((r) => r.name));
}

async function lockHolders(s: Session): Promise<LockHolder[]> {
  const store = runtimeOf(s).sessionLock!;
  const names = await s.query<{ name: string }>('select distinct name from ballast_locks order by name');
  const held: LockHolder[] = [];
  for (const { name } of names) {
    const holder = await store.holder(s, name);
    if (!holder) continue;
    held.push({
      name,
      pid: holder.pid,
      host: holder.host,
      since: holder.since ?? new Date(),
      expiresAt: null,
      applicationName: null,
    });
  }
  return held;
}

/** MySQL checkpoints carry no pause or cancel requests: a job's state is its status. */
async function checkpoints(s: Session): Promise<BackfillJobStatus[]> {
  const rows = await s.query<{
    job: string;
    target: string;
    paging: string;
    status: BackfillJobStatus['status'];
    last_key: string | null;
    rows_done: number | string;
    batches: number | string;
    error: string | null;
    started_at: Date;
    updated_at: Date;
  }>(
    `select job, target, paging, status, last_key, rows_done, batches, error, started_at, updated_at
       from ballast_backfill_checkpoints order by updated_at desc`,
  );
  return rows.map((r) => ({
    job: r.job,
    target: r.target,
    paging: r.paging,
    status: r.status,
    state: r.status,
    pausedAt: null,
    lastKey: r.last_key === null ? null : JSON.parse(r.last_key),
    rowsDone: Number(r.rows_done),
    batches: Number(r.batches),
    error: r.error,
    startedAt: r.started_at,
    updatedAt: r.updated_at,
  }));
}

/** Expansions where core records them on this server; null where it does not (yet). */
async function expansions(db: Database): Promise<ExpansionRecord[] | null> {
  try {
    return await pendingContractions(db);
  } catch (error) {
    if ((error as Error).name === 'UnsupportedServerError') return null;
    throw error;
  }
}
