/**
 * `_prisma_migrations` written exactly as Prisma Migrate writes it, so `prisma migrate status`
 * and a later plain `prisma migrate deploy` agree with what ballast-prisma applied.
 */
import { randomUUID } from 'node:crypto';
import type { Session } from '@ballast/core';

/** Prisma Migrate's advisory lock key: held while migrations are applied, by Prisma or by us. */
export const PRISMA_ADVISORY_LOCK = 72707369;

/** In `logs` while ballast-prisma applies a migration: a crashed run resumes that row. */
export const IN_PROGRESS = 'ballast-prisma: in progress (rerun ballast-prisma migrate deploy to resume)';

const DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "_prisma_migrations_pkey" PRIMARY KEY ("id")
)`;

export const ensurePrismaTable = (s: Session) => s.query(DDL);

/** The row of a migration ballast-prisma started and did not finish (crashed or failed), if any. */
export async function inProgressRow(s: Session, name: string): Promise<string | undefined> {
  const [row] = await s.query<{ id: string }>(
    'select id from _prisma_migrations where migration_name = $1 and finished_at is null and rolled_back_at is null and starts_with(logs, $2)',
    [name, IN_PROGRESS],
  );
  return row?.id;
}

/** A new row, as Prisma inserts it before running the script (started, not finished). */
export async function startRow(s: Session, name: string, checksum: string): Promise<string> {
  const id = randomUUID();
  await s.query(
    `insert into _prisma_migrations (id, checksum, migration_name, logs, started_at, applied_steps_count)
     values ($1, $2, $3, $4, now(), 0)`,
    [id, checksum, name, IN_PROGRESS],
  );
  return id;
}

export const finishRow = (s: Session, id: string) =>
  s.query(
    'update _prisma_migrations set finished_at = now(), applied_steps_count = 1, logs = null where id = $1',
    [id],
  );

/**
 * A failed migration, as Prisma leaves one (`finished_at` NULL, the error in `logs`): Prisma
 * refuses to deploy past it; ballast-prisma resumes it, the journal skipping finished statements.
 */
export const failRow = (s: Session, id: string, error: string) =>
  s.query('update _prisma_migrations set logs = $2 where id = $1', [id, `${IN_PROGRESS}\n\n${error}`]);
