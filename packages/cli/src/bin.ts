#!/usr/bin/env node
/** The `ballast` command; subcommands are registered in commands.ts. */
import * as nodeModule from 'node:module';
import { setFlagsFromString } from 'node:v8';

// Node ≥ 22.1 keeps the compiled code of the modules below on disk between runs (a no-op before;
// not measured here: the benchmark machine runs Node 20).
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// The PostgreSQL parser is WASM. In a short-lived command V8's baseline (Liftoff) code is all it
// needs: optimized tier-up jobs run on background threads that node waits for before it exits
// (≈70 ms on a single file, seconds on 1,000 files while the CPU is shared). bench/lint measures it.
setFlagsFromString('--liftoff-only');

// `ballast lint` runs from the esbuild bundle of main.ts (build-lint-bundle.mjs): one file instead of
// the ~150 modules of its lint path; every other command keeps tsc's modules. (From the sources,
// under tsx, there is no bundle: main.ts.)
const bundled = process.argv[2] === 'lint' && import.meta.url.endsWith('.js');
// PostgreSQL (the default dialect) is parsed by libpg-query, whose module starts loading and compiling
// its WASM when required (async, on V8's background threads): required now, that overlaps the
// bundle's loading instead of following it. core/lint/parse.ts requires the same instance later
// (both resolve from this directory). A MySQL run (`--dialect mysql`, `--mysql-version`) skips it.
if (bundled && !process.argv.slice(3).some((a) => a.includes('mysql') || a === '--help' || a === '-h')) {
  nodeModule.createRequire(import.meta.url)('libpg-query');
}
const entry = bundled ? './lint-bundle.js' : './main.js';
const { runCli } = (await import(entry)) as typeof import('./main.js');
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
