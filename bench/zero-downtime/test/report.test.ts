/**
 * The Goals table judges Ballast against the other modes of one run; a ratio against a peer whose
 * clients aborted (so it filled a table nobody wrote to) must say so, not pass as a fair figure.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import type { Measurement } from '../measure.js';
import { renderGoals } from '../report.js';

const run = (mode: Measurement['mode'], m: Partial<Measurement>): Measurement => ({
  scenario: 'add-computed-column',
  mode,
  clients: 4,
  rows: 1_000_000,
  available: true,
  p99_ms: 1,
  max_ms: 10,
  errors: 0,
  over_50ms: 0,
  tps: 10_000,
  ...m,
});

const goalsRow = (pgroll: Partial<Measurement>) =>
  renderGoals([
    run('idle', {}),
    run('ballast', { rows_per_s: 20_000, tps: 11_000 }),
    run('pgroll', { rows_per_s: 45_000, ...pgroll }),
  ]).find((l) => l.startsWith('| add-computed-column |'))!;

test('a peer that broke its clients is named beside the throughput ratio', () => {
  const row = goalsRow({ errors: 4, tps: 1_600 });
  assert.match(row, /0\.44× pgroll, goal ≥ 3× \(pgroll's run: 4 client errors, 1,600 tps vs 11,000\)/);
});

test('a peer that kept its clients gets the plain ratio', () => {
  assert.doesNotMatch(goalsRow({ errors: 0, tps: 10_500 }), /pgroll's run/);
});
