/**
 * `@ballast/core/lint` loads only what a run needs: the parser of the dialect linted, and
 * core/translate (core/ops and its zod schemas) only for fixes. Checked in a fresh process: the
 * parsers land in the CommonJS cache when imported; zod (ESM) marks globalThis when it loads.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';

const core = fileURLToPath(new URL('../', import.meta.url));

function loadedAfter(script: string): string[] {
  const code = `import { createRequire } from 'node:module';
const lint = await import('@ballast/core/lint');
${script}
const cache = Object.keys(createRequire(import.meta.url).cache);
const loaded = ['libpg-query', 'node-sql-parser'].filter((m) => cache.some((k) => k.includes('/' + m + '/')));
if ('__zod_globalConfig' in globalThis) loaded.push('zod');
console.log(JSON.stringify(loaded));`;
  const r = spawnSync(
    process.execPath,
    ['--conditions=ballast-source', '--import', 'tsx', '--input-type=module', '-e', code],
    {
      cwd: core,
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

test('MySQL lints without PostgreSQL parser; PostgreSQL without the MySQL grammar; neither loads ops', () => {
  assert.deepEqual(
    loadedAfter(`lint.lintSql('ALTER TABLE t ADD COLUMN c INT, ALGORITHM=INSTANT;', { dialect: 'mysql' });`),
    ['node-sql-parser'],
  );
  assert.deepEqual(loadedAfter(`await lint.loadPgParser(); lint.lintSql('CREATE INDEX i ON t (a);');`), [
    'libpg-query',
  ]);
});

test('fixes load core/translate on demand, and then the finding carries its fix', () => {
  const loaded = loadedAfter(`await lint.loadPgParser();
const before = lint.lintSql('CREATE INDEX i ON t (a);').findings.find((f) => f.rule === 'require-concurrent-index-creation');
if (before.fix !== undefined) throw new Error('fix without loadLintFixes');
await lint.loadLintFixes();
const after = lint.lintSql('CREATE INDEX i ON t (a);').findings.find((f) => f.rule === 'require-concurrent-index-creation');
if (!/CONCURRENTLY/.test(after.fix)) throw new Error('no fix after loadLintFixes');`);
  assert.deepEqual(loaded, ['libpg-query', 'zod']);
});
