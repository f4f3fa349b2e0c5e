/** The benchmark's outputs: JSON with stable field names, and a Markdown table for people. */
import type { Measurement } from './measure.js';

/** The JSON fields every row has, in this order; consumers rely on these names. */
export const STABLE_FIELDS = [
  'scenario',
  'mode',
  'clients',
  'rows',
  'p50_ms',
  'p99_ms',
  'max_ms',
  'errors',
  'tps',
  'duration_s',
  'max_lock_wait_ms',
] as const;

/** One object per (scenario, mode); unmeasured values are null, never invented. */
export function toJson(results: readonly Measurement[]): string {
  const singleUpdate = (rows: number) =>
    results.find((m) => m.scenario === 'backfill' && m.mode === 'naive' && m.rows === rows)?.rows_per_s;
  const rows = results.map((m) => {
    const row: Record<string, unknown> = {};
    for (const key of STABLE_FIELDS) row[key] = m[key] ?? null;
    row.available = m.available;
    if (m.note) row.note = m.note;
    if (m.over_50ms !== undefined) row.over_50ms = m.over_50ms;
    if (m.rows_per_s !== undefined) row.rows_per_s = m.rows_per_s;
    const single = m.scenario === 'backfill' ? singleUpdate(m.rows) : undefined;
    if (m.mode === 'ballast' && m.rows_per_s !== undefined && single) {
      row.ratio_to_single_update = Math.round((m.rows_per_s / single) * 100) / 100;
    }
    return row;
  });
  return `${JSON.stringify(rows, null, 2)}\n`;
}

const cell = (n: number | undefined, digits = 1) =>
  n === undefined ? '' : n.toLocaleString('en-US', { maximumFractionDigits: digits });

/** Ballast's backfill speed as a ratio to one single UPDATE statement (the naive mode). */
export function backfillRatio(results: readonly Measurement[]): string | undefined {
  const of = (mode: string) => results.find((m) => m.scenario === 'backfill' && m.mode === mode)?.rows_per_s;
  const naive = of('naive');
  const ballast = of('ballast');
  if (naive === undefined) return undefined;
  if (ballast === undefined) return `Backfill: one UPDATE ${cell(naive, 0)} rows/s; Ballast not available.`;
  return `Backfill: Ballast ${cell(ballast, 0)} rows/s vs one UPDATE ${cell(naive, 0)} rows/s = ${(ballast / naive).toFixed(2)}× (while the application kept running).`;
}

const GOAL_MAX_MS = 50;
const GOAL_P99_OVER_IDLE = 1.5;
const verdict = (ok: boolean, figure: string) => `${ok ? 'yes' : '**no**'} (${figure})`;

/**
 * Issue #17's goals, judged for Ballast against the other modes of the same run (same scenario,
 * same size): 0 errors, max wait ≤ 50 ms, no more transactions > 50 ms than pgroll, p99 ≤ 1.5× the
 * idle p99, and for the scenarios that fill every row the throughput against one UPDATE / pgroll.
 */
export function renderGoals(results: readonly Measurement[]): string[] {
  const keys = [...new Set(results.map((m) => `${m.scenario}\u0000${m.rows}`))];
  const lines = [
    '## Goals (Ballast, judged against the same run)',
    '',
    `| scenario | rows | 0 errors | max ≤ ${GOAL_MAX_MS} ms | > 50 ms txns ≤ pgroll | p99 ≤ ${GOAL_P99_OVER_IDLE}× idle | throughput |`,
    '|---|--:|---|---|---|---|---|',
  ];
  for (const key of keys) {
    const [scenario, rowsText] = key.split('\u0000');
    const of = (mode: string) =>
      results.find(
        (m) => m.scenario === scenario && String(m.rows) === rowsText && m.mode === mode && m.available,
      );
    const ours = of('ballast');
    if (!ours) continue;
    const idle = of('idle');
    const pgroll = of('pgroll');
    const naive = of('naive');
    const throughput: string[] = [];
    if (ours.rows_per_s !== undefined && naive?.rows_per_s !== undefined && scenario === 'backfill')
      throughput.push(
        verdict(
          ours.rows_per_s >= 0.5 * naive.rows_per_s,
          `${(ours.rows_per_s / naive.rows_per_s).toFixed(2)}× one UPDATE, goal ≥ 0.5×`,
        ),
      );
    if (ours.rows_per_s !== undefined && pgroll?.rows_per_s !== undefined) {
      // A peer whose clients aborted filled a table nobody was writing to: say so beside the ratio.
      const quieter =
        pgroll.errors && pgroll.tps !== undefined && ours.tps !== undefined && pgroll.tps < ours.tps
          ? ` (pgroll's run: ${pgroll.errors} client errors, ${cell(pgroll.tps, 0)} tps vs ${cell(ours.tps, 0)})`
          : '';
      throughput.push(
        verdict(
          ours.rows_per_s >= 3 * pgroll.rows_per_s,
          `${(ours.rows_per_s / pgroll.rows_per_s).toFixed(2)}× pgroll, goal ≥ 3×${quieter}`,
        ),
      );
    }
    lines.push(
      `| ${scenario} | ${cell(ours.rows, 0)} | ${verdict(ours.errors === 0, String(ours.errors))} | ${verdict((ours.max_ms ?? Infinity) <= GOAL_MAX_MS, `${cell(ours.max_ms)} ms`)} | ${
        pgroll?.over_50ms !== undefined
          ? verdict((ours.over_50ms ?? 0) <= pgroll.over_50ms, `${ours.over_50ms} vs ${pgroll.over_50ms}`)
          : 'pgroll not measured'
      } | ${
        idle?.p99_ms !== undefined
          ? verdict(
              (ours.p99_ms ?? Infinity) <= GOAL_P99_OVER_IDLE * idle.p99_ms,
              `${cell(ours.p99_ms)} vs idle ${cell(idle.p99_ms)} ms`,
            )
          : 'idle not measured'
      } | ${throughput.join('; ')} |`,
    );
  }
  return lines;
}

/** Max client wait by table size, one row per scenario and mode: naive grows with rows, ours must not. */
export function renderSizes(results: readonly Measurement[]): string[] {
  const sizes = [...new Set(results.map((m) => m.rows))].sort((a, b) => a - b);
  if (sizes.length < 2) return [];
  const lines = [
    '## Max client wait (ms) by table size',
    '',
    `| scenario | mode | ${sizes.map((n) => cell(n, 0)).join(' | ')} |`,
    `|---|---|${sizes.map(() => '--:').join('|')}|`,
  ];
  for (const scenario of new Set(results.map((m) => m.scenario)))
    for (const mode of new Set(results.filter((m) => m.scenario === scenario).map((m) => m.mode))) {
      const at = (n: number) =>
        results.find((m) => m.scenario === scenario && m.mode === mode && m.rows === n);
      lines.push(
        `| ${scenario} | ${mode} | ${sizes
          .map((n) => {
            const m = at(n);
            return !m ? '' : m.available ? cell(m.max_ms) : 'n/a';
          })
          .join(' | ')} |`,
      );
    }
  return lines;
}

export function renderMarkdown(
  results: readonly Measurement[],
  meta: {
    readonly server: string;
    readonly settings: object;
    readonly date: Date;
    readonly name?: string;
    readonly load?: { readonly before: readonly number[]; readonly after: readonly number[] };
  },
): string {
  const name = meta.name ?? 'zero-downtime';
  const lines = [
    `# Zero-downtime benchmark${name === 'zero-downtime' ? '' : `: ${name}`}`,
    '',
    `Produced by \`pnpm bench\` on ${meta.date.toISOString()} — ${meta.server}.`,
    `Settings: \`${JSON.stringify(meta.settings)}\`. Latencies are client-side (pgbench per-transaction`,
    'logs) over the whole run; lock wait is sampled from pg_stat_activity (see bench/zero-downtime/README.md).',
    'In every mode a background transaction holds a read lock on the table from 2 s for `readerHoldMs`',
    '(`longReaderHoldMs`, with traffic for `longReaderDurationS`, in the long-transaction scenario); the',
    'migration starts 500 ms after it. pgbench runs closed loop (a stalled client sends nothing), so a stall',
    'shows in max, lock wait, tps and the chart, and in p99 only when it delays more than 1% of transactions.',
    ...(meta.load
      ? [
          '',
          `Machine load (1/5/15-minute averages, 2 cores): ${meta.load.before.join(' / ')} before, ${meta.load.after.join(' / ')} after.`,
        ]
      : []),
    '',
    '| scenario | mode | clients | rows | p50 ms | p99 ms | max ms | > 50 ms | errors | tps | migration s | rows/s | max lock wait ms | note |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const m of results) {
    if (!m.available) {
      lines.push(
        `| ${m.scenario} | ${m.mode} | ${m.clients} | ${cell(m.rows, 0)} | n/a | n/a | n/a | n/a | n/a | n/a | n/a | n/a | n/a | not available: ${m.note ?? ''} |`,
      );
      continue;
    }
    lines.push(
      `| ${m.scenario} | ${m.mode} | ${m.clients} | ${cell(m.rows, 0)} | ${cell(m.p50_ms, 2)} | ${cell(m.p99_ms)} | ${cell(m.max_ms)} | ${cell(m.over_50ms, 0)} | ${m.errors} | ${cell(m.tps, 0)} | ${m.mode === 'idle' ? '' : cell(m.duration_s, 2)} | ${cell(m.rows_per_s, 0)} | ${cell(m.max_lock_wait_ms, 0)} | ${m.note ?? ''} |`,
    );
  }
  const ratio = backfillRatio(results);
  if (ratio) lines.push('', ratio);
  lines.push('', ...renderGoals(results));
  const bySize = renderSizes(results);
  if (bySize.length > 0) lines.push('', ...bySize, '', `![max client wait by table size](${name}-sizes.svg)`);
  lines.push('', `![client latency over time](${name}.svg)`, '');
  return lines.join('\n');
}
