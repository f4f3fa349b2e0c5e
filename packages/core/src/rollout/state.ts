import type { Database, Session } from '../db.js';
import { ensureTable } from '../run/ensure-table.js';
import type { RolloutState, RolloutStatus, RolloutTargetState, TargetStatus } from './types.js';

/**
 * The rollout's state, in the control database (not in any target): one row per rollout, one
 * per target with its wave, status, the migrator batch it started from (what a rollback returns
 * to), the migrations applied, attempts, error and timings. A rerun reads it and resumes.
 */
export const ROLLOUTS_TABLE = 'ballast_rollouts';
export const ROLLOUT_TARGETS_TABLE = 'ballast_rollout_targets';

const ROLLOUTS_DDL = `create table if not exists ${ROLLOUTS_TABLE} (
  id text primary key,
  status text not null default 'running' check (status in ('running', 'done', 'halted')),
  waves int not null,
  gates_passed int not null default 0,
  halted_wave int,
  halt_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now())`;

const TARGETS_DDL = `create table if not exists ${ROLLOUT_TARGETS_TABLE} (
  rollout_id text not null references ${ROLLOUTS_TABLE} (id) on delete cascade,
  target text not null,
  position int not null,
  wave int not null,
  status text not null default 'pending'
    check (status in ('pending', 'applying', 'applied', 'failed', 'rolling-back', 'rolled-back')),
  migrations jsonb not null default '[]',
  batch_before int,
  attempts int not null default 0,
  error text,
  started_at timestamptz,
  finished_at timestamptz,
  primary key (rollout_id, target))`;

export async function ensureRolloutTables(control: Database): Promise<void> {
  await ensureTable(control, ROLLOUTS_TABLE, ROLLOUTS_DDL);
  await ensureTable(control, ROLLOUT_TARGETS_TABLE, TARGETS_DDL);
}

/** Creates the rollout with its wave assignment once; a rerun keeps the first assignment. */
export async function createRollout(
  control: Database,
  id: string,
  targets: readonly { readonly target: string; readonly wave: number }[],
  waves: number,
): Promise<void> {
  await control.withSession(async (s) => {
    await s.query('begin');
    try {
      const inserted = await s.query(
        `insert into ${ROLLOUTS_TABLE} (id, waves) values ($1, $2) on conflict (id) do nothing returning id`,
        [id, waves],
      );
      if (inserted.length > 0)
        await s.query(
          `insert into ${ROLLOUT_TARGETS_TABLE} (rollout_id, target, position, wave)
           select $1, t.target, t.position, t.wave
             from jsonb_to_recordset($2::jsonb) as t(target text, position int, wave int)`,
          [id, JSON.stringify(targets.map((t, position) => ({ ...t, position })))],
        );
      await s.query('commit');
    } catch (error) {
      await s.query('rollback').catch(() => {});
      throw error;
    }
  });
}

interface RolloutRow {
  id: string;
  status: RolloutStatus;
  waves: number;
  gates_passed: number;
  halted_wave: number | null;
  halt_reason: string | null;
  created_at: Date;
  updated_at: Date;
}
interface TargetRow {
  target: string;
  wave: number;
  status: TargetStatus;
  migrations: string[];
  batch_before: number | null;
  attempts: number;
  error: string | null;
  started_at: Date | null;
  finished_at: Date | null;
}

async function tablesExist(s: Session): Promise<boolean> {
  const [row] = await s.query<{ ok: boolean }>('select to_regclass($1) is not null as ok', [
    ROLLOUT_TARGETS_TABLE,
  ]);
  return row!.ok;
}

/** Every rollout (or one), newest first, with its targets in wave order. Read-only. */
export async function readRollouts(control: Database, id?: string): Promise<RolloutState[]> {
  return control.withSession(async (s) => {
    if (!(await tablesExist(s))) return [];
    const rollouts = await s.query<RolloutRow>(
      `select * from ${ROLLOUTS_TABLE} where $1::text is null or id = $1 order by created_at desc, id`,
      [id ?? null],
    );
    const targets = await s.query<TargetRow & { rollout_id: string }>(
      `select * from ${ROLLOUT_TARGETS_TABLE} where $1::text is null or rollout_id = $1 order by position`,
      [id ?? null],
    );
    return rollouts.map((r) => ({
      id: r.id,
      status: r.status,
      waves: r.waves,
      gatesPassed: r.gates_passed,
      haltedWave: r.halted_wave,
      haltReason: r.halt_reason,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      targets: targets
        .filter((t) => t.rollout_id === r.id)
        .map((t) => ({
          target: t.target,
          wave: t.wave,
          status: t.status,
          migrations: t.migrations,
          batchBefore: t.batch_before,
          attempts: t.attempts,
          error: t.error,
          startedAt: t.started_at,
          finishedAt: t.finished_at,
        })),
    }));
  });
}

export async function readTarget(s: Session, id: string, target: string): Promise<RolloutTargetState> {
  const [row] = await s.query<TargetRow>(
    `select * from ${ROLLOUT_TARGETS_TABLE} where rollout_id = $1 and target = $2`,
    [id, target],
  );
  return {
    target: row!.target,
    wave: row!.wave,
    status: row!.status,
    migrations: row!.migrations,
    batchBefore: row!.batch_before,
    attempts: row!.attempts,
    error: row!.error,
    startedAt: row!.started_at,
    finishedAt: row!.finished_at,
  };
}

/** Sets a target's status (and optional fields); `started` / `finished` stamp the timings. */
export async function setTarget(
  s: Session,
  id: string,
  target: string,
  status: TargetStatus,
  fields: {
    readonly batchBefore?: number;
    readonly migrations?: readonly string[];
    readonly error?: string | null;
    readonly started?: boolean;
    readonly finished?: boolean;
  } = {},
): Promise<void> {
  await s.query(
    `update ${ROLLOUT_TARGETS_TABLE} set status = $3,
            batch_before = coalesce(batch_before, $4),
            migrations = coalesce($5::jsonb, migrations),
            error = case when $6::boolean then $7 else error end,
            attempts = attempts + case when $8::boolean then 1 else 0 end,
            started_at = case when $8::boolean then now() else started_at end,
            finished_at = case when $9::boolean then now() when $8::boolean then null else finished_at end
      where rollout_id = $1 and target = $2`,
    [
      id,
      target,
      status,
      fields.batchBefore ?? null,
      fields.migrations ? JSON.stringify(fields.migrations) : null,
      fields.error !== undefined,
      fields.error ?? null,
      fields.started === true,
      fields.finished === true,
    ],
  );
  await touch(s, id);
}

export async function setRollout(
  control: Database,
  id: string,
  fields: {
    readonly status?: RolloutStatus;
    readonly gatesPassed?: number;
    readonly halted?: { readonly wave: number; readonly reason: string } | null;
  },
): Promise<void> {
  await control.withSession((s) =>
    s.query(
      `update ${ROLLOUTS_TABLE} set status = coalesce($2, status), gates_passed = greatest(gates_passed, coalesce($3, 0)),
              halted_wave = case when $4::boolean then $5 else halted_wave end,
              halt_reason = case when $4::boolean then $6 else halt_reason end, updated_at = now()
        where id = $1`,
      [
        id,
        fields.status ?? null,
        fields.gatesPassed ?? null,
        fields.halted !== undefined,
        fields.halted?.wave ?? null,
        fields.halted?.reason ?? null,
      ],
    ),
  );
}

/** A halted rollout retried: its rolled-back and failed targets go back to pending. */
export async function reopenRollout(control: Database, id: string): Promise<void> {
  await control.withSession(async (s) => {
    await s.query(
      `update ${ROLLOUT_TARGETS_TABLE} set status = 'pending', error = null
        where rollout_id = $1 and status in ('rolled-back', 'failed')`,
      [id],
    );
    await s.query(
      `update ${ROLLOUTS_TABLE} set status = 'running', halted_wave = null, halt_reason = null, updated_at = now()
        where id = $1`,
      [id],
    );
  });
}

const touch = (s: Session, id: string) =>
  s.query(`update ${ROLLOUTS_TABLE} set updated_at = now() where id = $1`, [id]);

/**
 * The per-target claim: a session-level advisory lock on the control database, held while the
 * target is migrated or rolled back. A runner killed with kill -9 loses its connection and with
 * it the lock, so a rerun claims the target at once (no lease to wait out); two runners of the
 * same rollout never work on one target together. The migrator's own lock is the second guard.
 */
export async function withTargetClaim<T>(
  control: Database,
  id: string,
  target: string,
  fn: (session: Session) => Promise<T>,
): Promise<T> {
  return control.withSession(async (s) => {
    await s.query(`select pg_advisory_lock(hashtext('ballast_rollout'), hashtext($1))`, [`${id}\n${target}`]);
    try {
      return await fn(s);
    } finally {
      await s.query(`select pg_advisory_unlock(hashtext('ballast_rollout'), hashtext($1))`, [
        `${id}\n${target}`,
      ]);
    }
  });
}
