/**
 * pgroll mode: the peer we compare with, pgroll v0.14.0 (expand/contract through versioned views,
 * built from the Go module proxy by bench/zero-downtime/setup-pgroll.sh, or BALLAST_PGROLL). The
 * same change as the naive SQL, written as a pgroll migration and run with `pgroll start
 * --complete`, its own defaults (lock timeout --lock-timeout of the bench, batch 1000 rows).
 */
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PARENT, type ScenarioId, TABLE } from './scenarios.js';

export const PGROLL_VERSION = 'v0.14.0';
const BUILT = fileURLToPath(new URL('../.tools/pgroll', import.meta.url));

/** The pgroll binary, or why there is none (the mode is then reported as not available). */
export function pgrollBinary(): { path: string } | { unavailable: string } {
  const path = process.env.BALLAST_PGROLL ?? BUILT;
  if (existsSync(path)) return { path };
  return {
    unavailable: `pgroll ${PGROLL_VERSION} is not built: run bash bench/zero-downtime/setup-pgroll.sh (needs Go) or set BALLAST_PGROLL`,
  };
}

/** Each scenario as pgroll operations; a scenario pgroll has no operation for says why. */
const OPERATIONS: Record<ScenarioId, readonly unknown[] | { unavailable: string }> = {
  'add-column': [
    {
      add_column: {
        table: TABLE,
        column: { name: 'status', type: 'text', nullable: false, default: "'new'" },
      },
    },
  ],
  'create-index': [
    { create_index: { name: 'bench_items_account_id_idx', table: TABLE, columns: { account_id: {} } } },
  ],
  'add-foreign-key': [
    {
      alter_column: {
        table: TABLE,
        column: 'account_id',
        references: { name: 'bench_items_account_fk', table: PARENT, column: 'id' },
        up: 'account_id',
        down: 'account_id',
      },
    },
  ],
  'set-not-null': [
    {
      alter_column: {
        table: TABLE,
        column: 'account_id',
        nullable: false,
        up: 'SELECT CASE WHEN account_id IS NULL THEN 0 ELSE account_id END',
        down: 'account_id',
      },
    },
  ],
  backfill: {
    unavailable:
      'pgroll has no operation that rewrites an existing column in batches (its backfills run inside add_column / alter_column, measured in add-column and change-type)',
  },
  'change-type': [
    {
      alter_column: { table: TABLE, column: 'amount', type: 'bigint', up: 'amount', down: 'amount' },
    },
  ],
  'add-computed-column': [
    {
      add_column: {
        table: TABLE,
        up: 'amount * 100',
        column: { name: 'amount_cents', type: 'bigint', nullable: false },
      },
    },
  ],
  'long-transaction': [
    { add_column: { table: TABLE, column: { name: 'note', type: 'text', nullable: true } } },
  ],
};

/** pgroll's failure line without its spinner frames and colours. */
function lastWords(output: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are what is removed
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const error = /ERROR\s+(.*)$/s.exec(plain)?.[1] ?? plain.split(/\r|\n/).filter(Boolean).pop() ?? plain;
  return error.trim();
}

export interface PgrollRun {
  /** Before the traffic starts: `pgroll init` and a baseline of the existing schema. */
  prepare(): Promise<void>;
  /** The migration: `pgroll start <file> --complete`. */
  migrate(): Promise<void>;
}

export function pgrollFor(
  scenario: ScenarioId,
  url: string,
  lockTimeoutMs: number,
  dir: string,
): PgrollRun | { unavailable: string } {
  const binary = pgrollBinary();
  if ('unavailable' in binary) return binary;
  const operations = OPERATIONS[scenario];
  if ('unavailable' in operations) return operations;
  // lib/pq asks for SSL unless told otherwise; the bench's server has none.
  const pgUrl = new URL(url);
  if (!pgUrl.searchParams.has('sslmode')) pgUrl.searchParams.set('sslmode', 'disable');
  const common = ['--postgres-url', pgUrl.toString(), '--lock-timeout', String(lockTimeoutMs)];
  const pgroll = (args: string[]) =>
    new Promise<void>((resolve, reject) => {
      execFile(binary.path, [...args, ...common], { cwd: dir }, (error, stdout, stderr) => {
        if (error) reject(new Error(`pgroll ${args[0]}: ${lastWords(stderr || stdout || error.message)}`));
        else resolve();
      });
    });
  const file = join(dir, `02_${scenario.replaceAll('-', '_')}.json`);
  return {
    async prepare() {
      await pgroll(['init']);
      await pgroll(['baseline', '01_bench_baseline', dir, '--yes', '--json']);
      writeFileSync(file, JSON.stringify({ operations }, null, 2));
    },
    migrate: () => pgroll(['start', file, '--complete']),
  };
}
