/**
 * `ballast lint` on a SQL file loads the lint entry point and the parser, nothing of the rest of
 * core: the core root (every planner, zod schemas, pg) costs ≈200 ms per invocation, more than the
 * whole lint. Checked in a fresh process: pg lands in the CommonJS cache when imported; zod (ESM)
 * marks globalThis when it loads.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const main = join(root, 'packages/cli/src/main.ts');

/** Runs `ballast lint file` (sources) in a fresh process: its exit status and which heavy packages it loaded. */
function lintLoads(sql: string): { status: number; loaded: string[] } {
  const file = join(mkdtempSync(join(tmpdir(), 'ballast-lint-load-')), 'a.sql');
  writeFileSync(file, sql);
  const code = `import { createRequire } from 'node:module';
const { runCli } = await import(${JSON.stringify(main)});
const quiet = { write: () => true };
const status = await runCli(['lint', ${JSON.stringify(file)}], { stdout: quiet, stderr: quiet });
const cache = Object.keys(createRequire(import.meta.url).cache);
const loaded = ['libpg-query', 'pg'].filter((m) => cache.some((k) => k.includes('/node_modules/' + m + '/')));
if ('__zod_globalConfig' in globalThis) loaded.push('zod');
console.log(JSON.stringify({ status, loaded }));`;
  const r = spawnSync(
    process.execPath,
    ['--conditions=ballast-source', '--import', 'tsx', '--input-type=module', '-e', code],
    { cwd: root, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

test('ballast lint file.sql loads neither pg nor zod (core root stays unloaded)', () => {
  assert.deepEqual(lintLoads('DROP TABLE t;\n'), { status: 1, loaded: ['libpg-query'] });
});

test('a finding with a planned fix does not load core/translate without --fix', () => {
  // core/translate (planners, zod) costs more than the lint itself; the fix text is for --fix.
  assert.deepEqual(lintLoads('CREATE INDEX i ON t (a);\n'), { status: 1, loaded: ['libpg-query'] });
});
