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
  const singleUpdate = results.find((m) => m.scenario === 'backfill' && m.mode === 'naive')?.rows_per_s;
  const rows = results.map((m) => {
    const row: Record<string, unknown> = {};
    for (const key of STABLE_FIELDS) row[key] = m[key] ?? null;
    row.available = m.available;
    if (m.note) row.note = m.note;
    if (m.rows_per_s !== undefined) row.rows_per_s = m.rows_per_s;
    if (m.mode === 'ballast' && m.rows_per_s !== undefined && singleUpdate) {
      row.ratio_to_single_update = Math.round((m.rows_per_s / singleUpdate) * 100) / 100;
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

export function renderMarkdown(
  results: readonly Measurement[],
  meta: { readonly server: string; readonly settings: object; readonly date: Date; readonly name?: string },
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
    '',
    '| scenario | mode | clients | rows | p50 ms | p99 ms | max ms | errors | tps | migration s | max lock wait ms | note |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const m of results) {
    if (!m.available) {
      lines.push(
        `| ${m.scenario} | ${m.mode} | ${m.clients} | ${cell(m.rows, 0)} | n/a | n/a | n/a | n/a | n/a | n/a | n/a | not available: ${m.note ?? ''} |`,
      );
      continue;
    }
    lines.push(
      `| ${m.scenario} | ${m.mode} | ${m.clients} | ${cell(m.rows, 0)} | ${cell(m.p50_ms, 2)} | ${cell(m.p99_ms)} | ${cell(m.max_ms)} | ${m.errors} | ${cell(m.tps, 0)} | ${m.mode === 'idle' ? '' : cell(m.duration_s, 2)} | ${cell(m.max_lock_wait_ms, 0)} | ${m.note ?? ''} |`,
    );
  }
  const ratio = backfillRatio(results);
  if (ratio) lines.push('', ratio);
  lines.push('', `![client latency over time](${name}.svg)`, '');
  return lines.join('\n');
}
