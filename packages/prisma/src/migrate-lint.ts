/**
 * `ballast-prisma migrate lint [ballast lint options] [paths]`: `ballast lint` on the project's
 * migrations folder (from prisma.config.ts) — same rules, formats and exit codes, same code.
 */
import { runLint } from '@ballast/cli';
import type { Io } from './command.js';
import { loadPrismaProject } from './config.js';

export async function migrateLint(args: readonly string[], io: Io): Promise<number> {
  const i = args.indexOf('--config');
  const configFile = i >= 0 ? args[i + 1] : undefined;
  const rest = i >= 0 ? [...args.slice(0, i), ...args.slice(i + 2)] : args;
  if (rest.includes('--help') || rest.includes('-h')) return runLint(rest, io);
  // Paths given: lint those; none: the project's migrations folder.
  const hasPath = rest.some((a, k) => !a.startsWith('-') && !VALUED.has(rest[k - 1] ?? ''));
  if (hasPath) return runLint(rest, io);
  const project = await loadPrismaProject(io.cwd, configFile);
  return runLint([...rest, project.migrationsDir], io);
}

/** The `ballast lint` options that take a value. */
const VALUED = new Set(['--dialect', '--pg-version', '--mysql-version', '--database-url', '--format']);
