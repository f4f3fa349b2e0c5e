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
    name: 'mongo',
    summary: 'up|down|status: run @ballast/mongoose migration files',
    load: async () => (await import('./mongo-command.js')).runMongo,
  },
];
