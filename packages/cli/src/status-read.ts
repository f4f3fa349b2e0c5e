/**
 * Ballast's view of a database, read-only: nothing here creates a table, so `ballast status`
 * works for a role that may only SELECT Ballast's tables, and on a database Ballast never saw.
 * Backfills, expansions and backups (with their size) come from core's own readers; the lock
 * holder, the journal and backfill estimates are read here (core has no reader for them yet).
 */
import {
  type BackfillJobStatus,
  type BackfillWorkerStatus,
  type BackupRecord,
  backfillStatus,
  type Database,
  type ExpansionRecord,
  listBackups,
  pendingContractions,
  type Session,
} from '@ballast/core';

export interface LockHolder {
  readonly name: string;
  readonly pid: number | null;
  readonly host: string | null;
  readonly since: Date;
  /** Null on MySQL/MariaDB: the lock lives as long as its holder's session (GET_LOCK), no TTL. */
  readonly expiresAt: Date | null;
  /** From pg_stat_activity, when the holder's backend is visible. */
  readonly applicationName: string | null;
}

export interface JournalProblem {
  readonly migration: string;
  readonly stepsDone: number;
  readonly failed: readonly { readonly step: string; readonly at: Date; readonly error: string | null }[];
}

export interface BackfillView extends BackfillJobStatus {
  readonly estimatedRows: number | null;
  /** Rows per second since the job started (whole runs, pauses included). */
  readonly rate: number | null;
  readonly etaSeconds: number | null;
  /** A distributed backfill's workers (`ballast backfill status <job>` only). */
  readonly workers?: readonly BackfillWorkerStatus[];
}

export interface StatusReport {
  /** False when none of Ballast's tables exists here. */
  readonly ballastUsed: boolean;
  readonly locks: readonly LockHolder[];
  readonly journal: { readonly migrations: number; readonly unfinished: readonly JournalProblem[] };
  readonly backfills: readonly BackfillView[];
  /** Null where expansions are not read (MySQL/MariaDB, until expand/contract records them there). */
  readonly expansions: readonly ExpansionRecord[] | null;
  /** `ballast-prisma migrate deploy` refused these `-- ballast:phase contract` migrations (too early). */
  readonly prismaContracts: readonly PrismaContract[];
  readonly backups: readonly BackupRecord[];
}

export interface PrismaContract {
  readonly migration: string;
  readonly expand: string;
  /** When the expand was deployed (null: not yet). */
  readonly expandFinishedAt: Date | null;
  /** From when a deploy may apply it with the wait it was refused with (null: expand not deployed). */
  readonly notBefore: Date | null;
}

export const TABLES = [
  'ballast_locks',
  'ballast_journal',
  'ballast_backfill_checkpoints',
  'ballast_expansions',
  'ballast_backups',
  'ballast_prisma_contracts',
];

export async function readStatus(db: Database): Promise<StatusReport> {
  const present = await db.withSession((s) => existing(s, TABLES));
  const [locks, journal] = await db.withSession(async (s) => [
    present.has('ballast_locks') ? await lockHolders(s) : [],
    present.has('ballast_journal') ? await journalProblems(s) : { migrations: 0, unfinished: [] },
  ]);
  const backfills = await backfillViews(db, await backfillStatus(db));
  const expansions = await pendingContractions(db);
  const prismaContracts = present.has('ballast_prisma_contracts')
    ? await db.withSession(pendingPrismaContracts)
    : [];
  const backups = await listBackups(db);
  return { ballastUsed: present.size > 0, locks, journal, backfills, expansions, prismaContracts, backups };
}

async function existing(s: Session, names: readonly string[]): Promise<Set<string>> {
  const rows = await s.query<{ name: string }>(
    'select n as name from unnest($1::text[]) n where to_regclass(n) is not null',
    [names],
  );
  return new Set(rows.map((r) => r.name));
}

/** Refused contracts that no deploy (ballast-prisma's or Prisma's) has applied since. */
async function pendingPrismaContracts(s: Session): Promise<PrismaContract[]> {
  const rows = await s.query<{
    migration_name: string;
    expand_name: string;
    expand_finished_at: Date | null;
    not_before: Date | null;
  }>(
    `select c.migration_name, c.expand_name, c.expand_finished_at, c.not_before
       from ballast_prisma_contracts c
      where to_regclass('_prisma_migrations') is null
         or not exists (select 1 from _prisma_migrations m
                         where m.migration_name = c.migration_name and m.finished_at is not null
                           and m.rolled_back_at is null)
      order by c.migration_name`,
  );
  return rows.map((r) => ({
    migration: r.migration_name,
    expand: r.expand_name,
    expandFinishedAt: r.expand_finished_at,
    notBefore: r.not_before,
  }));
}

async function lockHolders(s: Session): Promise<LockHolder[]> {
  const rows = await s.query<{
    name: string;
    pid: number | null;
    host: string | null;
    acquired_at: Date;
    expires_at: Date;
    application_name: string | null;
  }>(
    `select l.name, l.pid, l.host, l.acquired_at, l.expires_at,
            (select a.application_name from pg_stat_activity a where a.pid = l.backend_pid) as application_name
       from ballast_locks l where l.expires_at > now() order by l.acquired_at`,
  );
  return rows.map((r) => ({
    name: r.name,
    pid: r.pid,
    host: r.host,
    since: r.acquired_at,
    expiresAt: r.expires_at,
    applicationName: r.application_name || null,
  }));
}

/** The journal's failed or unfinished migrations (plain SQL both dialects read). */
export async function journalProblems(s: Session): Promise<StatusReport['journal']> {
  const rows = await s.query<{
    migration: string;
    step_id: string;
    applied_at: Date;
    success: boolean;
    error_message: string | null;
  }>(
    `select migration, step_id, applied_at, success, error_message from ballast_journal order by migration, applied_at`,
  );
  const byMigration = new Map<string, typeof rows>();
  for (const r of rows) byMigration.set(r.migration, [...(byMigration.get(r.migration) ?? []), r]);
  const unfinished = [...byMigration]
    .filter(([, steps]) => steps.some((r) => !r.success))
    .map(([migration, steps]) => ({
      migration,
      stepsDone: steps.filter((r) => r.success).length,
      failed: steps
        .filter((r) => !r.success)
        .map((r) => ({ step: r.step_id, at: r.applied_at, error: r.error_message })),
    }));
  return { migrations: byMigration.size, unfinished };
}

const RUNNING = new Set(['running', 'pausing', 'paused', 'cancelling']);

export async function backfillViews(
  db: Database,
  jobs: readonly BackfillJobStatus[],
): Promise<BackfillView[]> {
  if (jobs.length === 0) return [];
  const estimates = await db.withSession((s) =>
    db.dialect === 'mysql'
      ? mysqlRowEstimates(
          s,
          jobs.map((j) => j.target),
        )
      : s.query<{ target: string; rows: number }>(
          `select n.nspname || '.' || c.relname as target, greatest(c.reltuples, 0)::float8 as rows
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname || '.' || c.relname = any($1::text[])`,
          [jobs.map((j) => j.target)],
        ),
  );
  const rowsOf = new Map(estimates.map((e) => [e.target, Number(e.rows)]));
  return jobs.map((job) => {
    const seconds = (job.updatedAt.getTime() - job.startedAt.getTime()) / 1000;
    const rate = seconds > 0 && job.rowsDone > 0 ? job.rowsDone / seconds : null;
    const estimated = rowsOf.get(job.target);
    const estimatedRows = estimated === undefined ? null : Math.max(estimated, job.rowsDone);
    const etaSeconds =
      RUNNING.has(job.state) && rate && estimatedRows !== null ? (estimatedRows - job.rowsDone) / rate : null;
    return { ...job, estimatedRows, rate, etaSeconds };
  });
}

/** InnoDB's row estimates (information_schema.TABLES.TABLE_ROWS) of MySQL backfill targets. */
async function mysqlRowEstimates(s: Session, targets: readonly string[]) {
  const found: { target: string; rows: number }[] = [];
  for (const target of new Set(targets)) {
    const [row] = await s.query<{ n: number | null }>(
      `select TABLE_ROWS as n from information_schema.TABLES
        where (TABLE_SCHEMA = database() and TABLE_NAME = ?) or concat(TABLE_SCHEMA, '.', TABLE_NAME) = ?
        order by TABLE_SCHEMA = database() desc limit 1`,
      [target, target],
    );
    if (row && row.n !== null) found.push({ target, rows: Number(row.n) });
  }
  return found;
}
