/**
 * `ballast-prisma <args>`: `migrate dev`, `migrate lint` are Ballast's; everything else is
 * handed to the project's `prisma` unchanged (same arguments, terminal and exit code).
 */
import { BallastError } from '@ballast/core';
import { runPrisma } from './prisma-cli.js';

export interface Io {
  readonly cwd: string;
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

type Handler = (args: readonly string[], io: Io) => Promise<number>;

/** Loaded on use: a passthrough command does not load the linter. */
const MIGRATE_COMMANDS: Record<string, () => Promise<Handler>> = {
  dev: async () => (await import('./migrate-dev.js')).migrateDev,
  deploy: async () => (await import('./migrate-deploy.js')).migrateDeploy,
  lint: async () => (await import('./migrate-lint.js')).migrateLint,
};

export async function runBallastPrisma(argv: readonly string[], io: Io): Promise<number> {
  const [command, sub, ...rest] = argv;
  const load = command === 'migrate' && sub ? MIGRATE_COMMANDS[sub] : undefined;
  try {
    if (load) return await (await load())(rest, io);
    return await runPrisma(argv, io.cwd);
  } catch (err) {
    // A BallastError already says what failed and what to do: no stack trace for it.
    if (!(err instanceof BallastError)) throw err;
    io.stderr.write(`ballast-prisma: ${err.message}\n`);
    return 1;
  }
}
