/**
 * The benchmark itself, end to end at a tiny size on the harness's PostgreSQL: pgbench runs, its
 * logs are read, the trigger really stalls the naive ALTER, Ballast's rows (the type change's
 * expand and contract included) have no client errors, and the JSON keeps its stable fields.
 * No latency bound is asserted here: figures belong to bench/results.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import { STABLE_FIELDS } from '../report.js';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** `pnpm bench <args> --out <tmp>`; returns the output directory (removed by the caller). */
function bench(args: readonly string[]): string {
  const out = mkdtempSync(join(tmpdir(), 'ballast-bench-test-'));
  const run = spawnSync(
    process.execPath,
    ['--conditions=ballast-source', '--import', 'tsx', 'bench/zero-downtime/run.ts', ...args, '--out', out],
    { cwd: root, encoding: 'utf8', env: process.env },
  );
  assert.equal(run.status, 0, run.stderr);
  return out;
}

// Both tests need the harness's PostgreSQL (BALLAST_PG_URL), which test/global-setup.ts always provides.
test('pnpm bench at a tiny size writes one stable JSON row per scenario and mode', () => {
  const out = bench([
    ...['--rows', '20000', '--backfill-rows', '20000', '--duration', '5', '--backfill-duration', '8'],
    ...['--reader-hold', '1500', '--clients', '2', '--scenarios', 'add-column,backfill,change-type'],
  ]);
  try {
    const rows = JSON.parse(readFileSync(join(out, 'zero-downtime.json'), 'utf8')) as Record<
      string,
      unknown
    >[];
    assert.deepEqual(
      rows.map((r) => `${r.scenario}/${r.mode}`),
      ['add-column', 'backfill', 'change-type'].flatMap((s) =>
        ['idle', 'naive', 'ballast'].map((m) => `${s}/${m}`),
      ),
    );
    for (const row of rows) assert.deepEqual(Object.keys(row).slice(0, STABLE_FIELDS.length), STABLE_FIELDS);
    const row = (scenario: string, mode: string) =>
      rows.find((r) => r.scenario === scenario && r.mode === mode)!;

    // The trigger works: the naive ALTER queued behind the reader and clients queued behind it.
    assert.ok(
      (row('add-column', 'naive').max_lock_wait_ms as number) > 200,
      JSON.stringify(row('add-column', 'naive')),
    );
    // change-type runs both phases (expand, then contract) in the one ballast run.
    for (const scenario of ['add-column', 'backfill', 'change-type']) {
      assert.equal(row(scenario, 'ballast').available, true);
      assert.equal(row(scenario, 'ballast').errors, 0, JSON.stringify(row(scenario, 'ballast')));
      assert.ok((row(scenario, 'ballast').tps as number) > 0);
    }
    assert.equal(row('add-column', 'idle').duration_s, 0);
    assert.ok((row('backfill', 'ballast').ratio_to_single_update as number) > 0);

    const markdown = readFileSync(join(out, 'zero-downtime.md'), 'utf8');
    assert.doesNotMatch(markdown, /not available/);
    const svg = readFileSync(join(out, 'zero-downtime.svg'), 'utf8');
    assert.match(svg, /^<svg[^>]*>[\s\S]*<\/svg>\n$/);
    // The two phases of the type change are marked on its panel.
    assert.match(svg, /ballast: phase: expand/);
    assert.match(svg, /ballast: phase: contract/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the long-transaction scenario runs naive, ballast-no-wait and ballast side by side under its own name', () => {
  const out = bench([
    ...['--rows', '20000', '--duration', '5', '--long-reader-hold', '1500', '--clients', '2'],
    ...[
      '--scenarios',
      'long-transaction',
      '--modes',
      'naive,ballast-no-wait,ballast',
      '--name',
      'long-transaction',
    ],
  ]);
  try {
    const rows = JSON.parse(readFileSync(join(out, 'long-transaction.json'), 'utf8')) as Record<
      string,
      unknown
    >[];
    assert.deepEqual(
      rows.map((r) => `${r.scenario}/${r.mode}`),
      ['naive', 'ballast-no-wait', 'ballast'].map((m) => `long-transaction/${m}`),
    );
    for (const row of rows) {
      assert.equal(row.available, true, JSON.stringify(row));
      assert.equal(row.errors, 0, JSON.stringify(row));
      assert.equal(row.note, undefined, JSON.stringify(row));
    }
    // The trigger works: the naive ALTER queued behind the reader and clients queued behind it.
    assert.ok((rows[0]!.max_lock_wait_ms as number) > 200, JSON.stringify(rows[0]));
    assert.match(
      readFileSync(join(out, 'long-transaction.md'), 'utf8'),
      /^# Zero-downtime benchmark: long-transaction/,
    );
    assert.match(readFileSync(join(out, 'long-transaction.svg'), 'utf8'), /ballast-no-wait/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('--sizes runs a scenario at each table size: the size table, the goals and the size chart are written', () => {
  const out = bench([
    ...['--sizes', '2000,8000', '--duration', '4', '--backfill-duration', '4', '--reader-hold', '800'],
    ...[
      '--clients',
      '2',
      '--scenarios',
      'add-computed-column',
      '--modes',
      'naive,ballast',
      '--name',
      'sizes',
    ],
  ]);
  try {
    const rows = JSON.parse(readFileSync(join(out, 'sizes.json'), 'utf8')) as Record<string, unknown>[];
    assert.deepEqual(
      rows.map((r) => `${r.rows}/${r.mode}`),
      ['2000/naive', '2000/ballast', '8000/naive', '8000/ballast'],
    );
    for (const row of rows) {
      assert.equal(row.available, true, JSON.stringify(row));
      assert.equal(row.note, undefined, JSON.stringify(row));
      // Every row was filled: the computed column's throughput is reported for both modes.
      assert.ok((row.rows_per_s as number) > 0, JSON.stringify(row));
      assert.equal(typeof row.over_50ms, 'number');
    }
    for (const row of rows.filter((r) => r.mode === 'ballast'))
      assert.equal(row.errors, 0, JSON.stringify(row));
    const markdown = readFileSync(join(out, 'sizes.md'), 'utf8');
    assert.match(markdown, /## Max client wait \(ms\) by table size/);
    assert.match(markdown, /\| add-computed-column \| ballast \| [\d.,]+ \| [\d.,]+ \|/);
    assert.match(markdown, /## Goals/);
    assert.match(markdown, /Machine load/);
    assert.match(readFileSync(join(out, 'sizes-sizes.svg'), 'utf8'), /8000 rows: max/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('a misspelled scenario, mode or number stops pnpm bench before it starts a server; --help lists them', () => {
  const run = (args: readonly string[]) =>
    spawnSync(
      process.execPath,
      ['--conditions=ballast-source', '--import', 'tsx', 'bench/zero-downtime/run.ts', ...args],
      {
        cwd: root,
        encoding: 'utf8',
        env: process.env,
      },
    );
  for (const [args, message] of [
    [['--scenarios', 'backfil'], /--scenarios: unknown "backfil"; expected some of add-column, .*backfill/],
    [
      ['--modes', 'idle,balast'],
      /--modes: unknown "balast"; expected some of idle, naive, ballast-no-wait, ballast, pgroll/,
    ],
    [['--rows', '1e'], /--rows: expected a positive number, got "1e"/],
    [['--rate', '0'], /--rate: expected a positive number, got "0"/],
  ] as const) {
    const refused = run(args);
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, message);
    assert.doesNotMatch(refused.stderr, /server:/, 'no server was started');
  }
  const help = run(['--help']);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /--scenarios a,b {3}among add-column, create-index/);
});
