#!/usr/bin/env node
/** The `ballast` command: dispatches to one file per subcommand. */
import { runLint } from './lint-command.js';

const USAGE = `usage: ballast <command> [options]

commands:
  lint [options] <paths...>   check migrations for operations that block or break production
                              (ballast lint --help for options)
  plan <knex migrations dir>  what the pending migrations would do: locks, rewrites, scans
  check <knex migrations dir> pre-deploy check for CI (ballast check --help)
  mongo up|down|status        run @ballast/mongoose migration files (ballast mongo --help)
`;

const [command, ...args] = process.argv.slice(2);
if (command === 'lint') {
  process.exitCode = await runLint(args, { stdout: process.stdout, stderr: process.stderr });
} else if (command === 'plan' || command === 'check') {
  // Loaded on demand: knex and pg are optional peers that `ballast lint` does not need.
  const { runCheck, runPlanCommand } = await import('./check-command.js');
  const run = command === 'plan' ? runPlanCommand : runCheck;
  process.exitCode = await run(args, { stdout: process.stdout, stderr: process.stderr });
} else if (command === 'mongo') {
  // Loaded on demand too: it loads all of @ballast/core, which `ballast lint` does not need.
  const { runMongo } = await import('./mongo-command.js');
  process.exitCode = await runMongo(args, { stdout: process.stdout, stderr: process.stderr });
} else {
  process.stderr.write(
    command && command !== '--help' && command !== '-h' ? `unknown command: ${command}\n${USAGE}` : USAGE,
  );
  process.exitCode = command && command !== '--help' && command !== '-h' ? 2 : 0;
}
