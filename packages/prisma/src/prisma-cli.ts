/**
 * The user's own `prisma` CLI, run as a child process: ballast-prisma never reimplements a Prisma
 * command, it runs Prisma's and works on the files and tables Prisma leaves.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MissingDependencyError } from '@ballast/core';

/** The project's prisma CLI entry (resolved from `cwd`, like `npx prisma`). */
export function resolvePrismaCli(cwd: string): string {
  for (const from of [join(cwd, 'package.json'), import.meta.url]) {
    try {
      return createRequire(from).resolve('prisma/build/index.js');
    } catch {
      // Not installed there: try the next place.
    }
  }
  throw new MissingDependencyError(`ballast-prisma: the prisma CLI is not installed (searched from ${cwd})`, {
    where: cwd,
    hint: 'install it in your project: npm install --save-dev prisma',
  });
}

/** Runs `prisma <args>` in `cwd` with this process's environment and terminal; resolves its exit code. */
export function runPrisma(args: readonly string[], cwd: string): Promise<number> {
  const cli = resolvePrismaCli(cwd);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: 'inherit' });
    child.on('error', reject);
    // Killed by a signal: a failure, whatever the signal.
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Runs `prisma <args>` and keeps what it prints on stdout (stderr stays on the terminal). */
export function capturePrisma(
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string }> {
  const cli = resolvePrismaCli(cwd);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), stdout }));
  });
}
