/**
 * Scores ballast and squawk on the unseen corpus alone (no speed runs): the quick check while
 * working on a rule. `pnpm bench:lint` includes the same section in bench/results/lint.md.
 *   node --conditions=ballast-source --import tsx bench/lint/unseen-run.ts
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ballastBin } from './score.js';
import { scoreUnseen, unseenDetails, unseenTable } from './unseen.js';

if (!existsSync(ballastBin)) throw new Error('packages/cli/dist/bin.js is missing: run `pnpm build` first');
const dir = mkdtempSync(join(tmpdir(), 'ballast-bench-unseen-'));
try {
  mkdirSync(join(dir, 'schemas'));
  const scores = scoreUnseen({ dir, schemaDir: join(dir, 'schemas'), cpuFile: join(dir, 'cpu.txt') });
  process.stdout.write(`${[...unseenTable(scores), '', ...unseenDetails(scores)].join('\n')}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
