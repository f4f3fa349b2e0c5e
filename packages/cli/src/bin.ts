#!/usr/bin/env node
/** The `ballast` command; subcommands are registered in commands.ts. */
import { runCli } from './main.js';

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
