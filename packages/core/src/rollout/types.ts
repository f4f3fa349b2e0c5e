import type { ProgressReporter } from '../report/progress.js';

/**
 * A fleet rollout: the same pending migrations applied to many databases in waves, with a
 * health gate between waves. Core knows no ORM: the caller brings a RolloutMigrator (the CLI's
 * runs Knex's own migrator over a migrations directory).
 */
export interface RolloutMigrator {
  /** Migrations not yet applied on the database at `url`, in order. */
  pending(url: string): Promise<readonly string[]>;
  /** The migrator's latest batch number on `url` (0 when nothing was ever applied). */
  batch(url: string): Promise<number>;
  /**
   * Applies every pending migration (one batch) and returns their names. `forceUnlock`: a
   * previous run of this rollout died while migrating this database, so the migrator's own lock
   * it left behind is stale (the rollout's claim proves no other runner of it is there).
   */
  up(url: string, options: { readonly forceUnlock: boolean }): Promise<readonly string[]>;
  /** Rolls back (down migrations) every batch above `batch`; returns the names rolled back. */
  rollbackAfter(url: string, batch: number): Promise<readonly string[]>;
}

/** What a health check is shown: the wave just applied and its databases (passwords masked). */
export interface GateContext {
  readonly rollout: string;
  readonly wave: number;
  readonly targets: readonly string[];
}

export interface CheckVerdict {
  readonly ok: boolean;
  /** Why, for the halt reason (e.g. "error rate 0.07 > 0.01"). */
  readonly reason?: string;
}

export type HealthCheck =
  /** Run on every database of the wave; its first column of the first row must be a number within [min, max]. */
  | { readonly kind: 'sql'; readonly sql: string; readonly max?: number; readonly min?: number }
  /** A function of yours (e.g. a metrics query against your monitoring). */
  | {
      readonly kind: 'callback';
      readonly name?: string;
      readonly check: (context: GateContext) => boolean | CheckVerdict | Promise<boolean | CheckVerdict>;
    }
  /** GET `url` (node fetch): healthy when the status is 2xx (or `status`). */
  | { readonly kind: 'http'; readonly url: string; readonly status?: number; readonly timeoutMs?: number };

export interface HealthGate {
  readonly checks: readonly HealthCheck[];
  /** How long the checks are observed after a wave; every sample must pass. Default 0: one sample. */
  readonly soakMs?: number;
  /** Time between samples during the soak. Default 5000 ms. */
  readonly intervalMs?: number;
}

/** A wave's cumulative size: `'10%'` of the fleet, or a number of databases. */
export type WaveSize = string | number;

export interface RolloutOptions {
  /** Names the rollout in the control database; rerun with the same id to resume it. */
  readonly id: string;
  /** Connection URLs of the fleet. Their passwords are never stored nor printed. */
  readonly targets: readonly string[];
  readonly migrator: RolloutMigrator;
  /** Cumulative wave sizes; default 1%, 10%, 50%, 100%; at least one database per wave. */
  readonly waves?: readonly WaveSize[];
  /** Databases migrated at once within a wave. Default 4. */
  readonly concurrency?: number;
  /** Checked after every wave but the last. Without one, waves follow each other directly. */
  readonly gate?: HealthGate;
  /** A failing gate (or migration) rolls the failed wave's databases back. Default false. */
  readonly autoRollback?: boolean;
  /** A halted rollout refuses to continue unless this is true (its rolled-back databases are retried). */
  readonly retryHalted?: boolean;
  readonly progress?: ProgressReporter;
  readonly log?: (line: string) => void;
}

export type TargetStatus = 'pending' | 'applying' | 'applied' | 'failed' | 'rolling-back' | 'rolled-back';

export interface RolloutTargetState {
  /** The URL without its password: how the control database knows the target. */
  readonly target: string;
  readonly wave: number;
  readonly status: TargetStatus;
  readonly migrations: readonly string[];
  readonly batchBefore: number | null;
  readonly attempts: number;
  readonly error: string | null;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

export type RolloutStatus = 'running' | 'done' | 'halted';

export interface RolloutState {
  readonly id: string;
  readonly status: RolloutStatus;
  readonly waves: number;
  /** Highest wave whose gate passed (0: none yet). */
  readonly gatesPassed: number;
  readonly haltedWave: number | null;
  readonly haltReason: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly targets: readonly RolloutTargetState[];
}
