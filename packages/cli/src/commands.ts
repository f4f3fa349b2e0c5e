/**
 * Every `ballast` subcommand, one line each: name, one-line summary for `ballast --help`, and a
 * lazy loader (so `ballast lint` never loads pg, and `ballast status` never loads the linter).
 */
import type { Io } from './io.js';

export type CommandRun = (argv: readonly string[], io: Io) => Promise<number>;

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<CommandRun>;
}

export const COMMANDS: readonly Command[] = [
  {
    name: 'lint',
    summary: 'check migrations for operations that block or break production',
    load: async () => (await import('./lint-command.js')).runLint,
  },
  {
    name: 'plan',
    summary: 'what the pending Knex migrations would do: locks, rewrites, scans',
    load: async () => (await import('./check-command.js')).runPlanCommand,
  },
  {
    name: 'check',
    summary: 'pre-deploy check for CI: lint, lock trace, up/down/up, estimates',
    load: async () => (await import('./check-command.js')).runCheck,
  },
  {
    name: 'status',
    summary: "Ballast's view of a database: lock, unfinished migrations, backfills, expansions, backups",
    load: async () => (await import('./status-command.js')).runStatus,
  },
  {
    name: 'backfill',
    summary:
      'list|status|pause|resume|cancel: operate backfill jobs from another terminal; worker: run distributed ones',
    load: async () => (await import('./backfill-command.js')).runBackfillCommand,
  },
  {
    name: 'backups',
    summary: 'list|restore|purge: the backups kept before destructive steps',
    load: async () => (await import('./backups-command.js')).runBackups,
  },
  {
    name: 'mongo',
    summary: 'up|down|status: run @ballast/mongoose migration files',
    load: async () => (await import('./mongo-command.js')).runMongo,
  },
  {
    name: 'verify',
    summary: 'shadow verification of an expansion: old column converted = new column, before contract',
    load: async () => (await import('./verify-command.js')).runVerify,
  },
  {
    name: 'rollout',
    summary: 'apply pending Knex migrations to a fleet in waves with health gates; status',
    load: async () => (await import('./rollout-command.js')).runRolloutCommand,
  },
];
