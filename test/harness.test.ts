import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { processesMentioning } from '@ballast/testkit';
import { describe, test } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));

/** Runs a fixture file as `pnpm test:only` would, with its own global setup and fresh servers. */
function runHarness(fixture: string, onOutput?: (text: string, child: ReturnType<typeof spawn>) => void) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BALLAST_SERVERS: 'postgres,mysql,mongo',
    BALLAST_TEST_FIXTURES: '1',
  };
  // The outer run's servers and worker state must not leak into the inner run.
  for (const key of Object.keys(env)) {
    if (/^(BALLAST_(PG|MYSQL|MONGO)_URL|BALLAST_PG_MATRIX_URLS|VITEST.*|TEST|NODE_OPTIONS)$/.test(key))
      delete env[key];
  }
  const child = spawn(process.execPath, [vitest, 'run', fixture], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    onOutput?.(output, child);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise<{ code: number | null; output: string; runDir: string }>((resolve) => {
    child.on('exit', (code) => {
      const runDir = /no process of this run remains \((.+)\)/.exec(output)?.[1] ?? '';
      resolve({ code, output, runDir });
    });
  });
}

describe('test harness lifecycle', () => {
  test('a failing run still stops every server it started', async () => {
    const { code, output, runDir } = await runHarness('test/fixtures/failing.fixture.ts');
    assert.notEqual(code, 0, output);
    assert.match(output, /postgres .* PostgreSQL/);
    assert.match(output, /mysql .* MariaDB|mysql .* MySQL/);
    assert.match(output, /mongo .* MongoDB wire/);
    assert.ok(runDir, `the harness did not confirm its shutdown:\n${output}`);
    assert.deepEqual(processesMentioning(runDir), []);
  });

  test('Ctrl-C (SIGINT) stops every server it started', async () => {
    let sent = false;
    const { code, output, runDir } = await runHarness('test/fixtures/hanging.fixture.ts', (text, child) => {
      if (!sent && text.includes('fixture: running')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    assert.ok(sent, `the fixture never started:\n${output}`);
    assert.equal(code, 130, output);
    assert.ok(runDir, `the harness did not confirm its shutdown:\n${output}`);
    assert.deepEqual(processesMentioning(runDir), []);
  });
});
