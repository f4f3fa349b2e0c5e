/**
 * `ballast lint` as one ESM bundle (dist/lint-bundle.js) beside tsc's output: one file for the lint
 * path instead of ~150 modules for Node's ESM loader to resolve, read and link on every run
 * (bench/lint measures it). bin.js loads it for `ballast lint` only. Lazy parts stay lazy: fixes
 * (core/translate, zod) and --knex capture are split into chunks loaded on first use; the parsers
 * (libpg-query's WASM, node-sql-parser's grammars) stay packages, loaded per dialect by core/lint.
 * Other commands are not bundled: they stay tsc's modules (dist/*-command.js).
 */
import { readdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const here = new URL('.', import.meta.url).pathname;
// Chunk names carry a content hash: drop the previous build's, or the package ships them all.
for (const f of readdirSync(`${here}dist`)) if (/^lint-(bundle|chunk-)/.test(f)) rmSync(`${here}dist/${f}`);

/** The command table's other commands resolve to tsc's dist files at run time. */
const otherCommands = {
  name: 'other-commands',
  setup(b) {
    b.onResolve({ filter: /^\.\/[\w-]+-command\.js$/ }, (args) =>
      args.path === './lint-command.js' ? undefined : { path: args.path, external: true },
    );
  },
};

await build({
  absWorkingDir: here,
  entryPoints: { 'lint-bundle': 'src/main.ts' },
  outdir: 'dist',
  chunkNames: 'lint-chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Core's TypeScript sources, as in the repository's tests: the bundle does not wait on core's tsc.
  conditions: ['ballast-source'],
  // Peers, and the parsers: libpg-query finds its .wasm next to its own module.
  external: ['knex', 'pg', 'pg-boss', 'mongoose', '@ballast/mongoose', 'libpg-query', 'node-sql-parser'],
  plugins: [otherCommands],
  legalComments: 'none',
  logLevel: 'warning',
});
