/** `ballast [--version|--help] <command> …`: finds the command in COMMANDS and runs it. */
import { createRequire } from 'node:module';
// The lint entry, not the core root: the root loads every planner and pg (≈200 ms) that `ballast
// lint` never needs; both export the same BallastError class.
import { BallastError } from '@ballast/core/lint';
import { COMMANDS } from './commands.js';
import { didYouMean } from './did-you-mean.js';
import type { Io } from './io.js';
import { maskSecrets } from './mask.js';

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `usage: ballast <command> [options]

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

options:
  --version    print the version of @ballast/cli
  -h, --help   this help; ballast <command> --help for a command's options

Exit status 0 on success, 1 on failure, 2 on usage errors.
`;
}

export function version(): string {
  return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
}

export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const hint = didYouMean(
      name,
      COMMANDS.map((c) => c.name),
    );
    io.stderr.write(
      `ballast: unknown ${name.startsWith('-') ? 'option' : 'command'} ${name}${hint}\n${usage()}`,
    );
    return 2;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (error) {
    // A missing optional peer or another Ballast error: its message says what to do. Anything
    // else keeps its stack for the bug report, with any URL's password masked.
    const e = error as Error;
    const known = e instanceof BallastError || e.name === 'MissingDependencyError';
    io.stderr.write(`ballast ${name}: ${maskSecrets((known ? e.message : e.stack) ?? String(error))}\n`);
    return 1;
  }
}
