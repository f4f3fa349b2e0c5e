#!/usr/bin/env node
/** The `ballast-prisma` command. */
import { runBallastPrisma } from './command.js';

process.exitCode = await runBallastPrisma(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
});
