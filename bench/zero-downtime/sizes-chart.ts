/**
 * The table-size series (`--sizes`): one panel per scenario, max client wait against rows, both on
 * log scales, a line per mode. A wait that grows with the table (the naive ALTER's rewrite) rises
 * to the right; a flat line is the goal.
 */
import { COLORS } from './chart.js';
import type { Measurement } from './measure.js';

const W = 440;
const H = 230;
const M = { left: 60, right: 20, top: 30, bottom: 34 };
const COLUMNS = 2;

const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const rowsLabel = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);

function panel(scenario: string, results: readonly Measurement[], left: number, top: number): string {
  const measured = results.filter((m) => m.available && m.max_ms !== undefined);
  const sizes = [...new Set(results.map((m) => m.rows))].sort((a, b) => a - b);
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(100, ...measured.map((m) => m.max_ms!))));
  const yMin = 1;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const lx = (n: number) => Math.log10(n);
  const [x0, x1] = [lx(sizes[0]!), lx(sizes[sizes.length - 1]!)];
  const x = (n: number) => left + M.left + (x1 === x0 ? plotW / 2 : ((lx(n) - x0) / (x1 - x0)) * plotW);
  const y = (v: number) =>
    top + M.top + plotH - ((Math.log10(Math.max(yMin, v)) - 0) / Math.log10(yMax)) * plotH;
  const out = [
    `<text x="${left + M.left}" y="${top + 18}" font-weight="bold">${esc(scenario)}</text>`,
    `<rect x="${left + M.left}" y="${top + M.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#ccc"/>`,
  ];
  for (let v = 1; v <= yMax; v *= 10)
    out.push(
      `<line x1="${left + M.left}" x2="${left + M.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`,
      `<text x="${left + M.left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="10">${v} ms</text>`,
    );
  out.push(
    `<line x1="${left + M.left}" x2="${left + M.left + plotW}" y1="${y(50)}" y2="${y(50)}" stroke="#999" stroke-dasharray="2 3"><title>goal: 50 ms</title></line>`,
  );
  for (const n of sizes)
    out.push(
      `<text x="${x(n)}" y="${top + H - 14}" text-anchor="middle" font-size="10">${rowsLabel(n)} rows</text>`,
    );
  for (const mode of Object.keys(COLORS)) {
    const points = measured.filter((m) => m.mode === mode).sort((a, b) => a.rows - b.rows);
    if (points.length === 0) continue;
    const color = COLORS[mode]!;
    out.push(
      `<polyline points="${points.map((m) => `${x(m.rows).toFixed(1)},${y(m.max_ms!).toFixed(1)}`).join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`,
      ...points.map(
        (m) =>
          `<circle cx="${x(m.rows).toFixed(1)}" cy="${y(m.max_ms!).toFixed(1)}" r="3" fill="${color}"><title>${esc(`${mode}, ${m.rows} rows: max ${m.max_ms} ms`)}</title></circle>`,
      ),
    );
  }
  return out.join('\n');
}

export function renderSizesChart(results: readonly Measurement[]): string {
  const scenarios = [...new Set(results.map((m) => m.scenario))];
  const shown = Object.entries(COLORS).filter(([mode]) => results.some((m) => m.mode === mode));
  const legend = shown
    .map(
      ([mode, color], i) =>
        `<line x1="${M.left + i * 120}" x2="${M.left + i * 120 + 24}" y1="24" y2="24" stroke="${color}" stroke-width="3"/><text x="${M.left + i * 120 + 30}" y="28">${mode}</text>`,
    )
    .join('\n');
  const legendH = 60;
  const width = W * COLUMNS;
  const height = legendH + Math.ceil(scenarios.length / COLUMNS) * H;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    legend,
    `<text x="${M.left}" y="48" font-size="11" fill="#555">max client wait by table size (log scales); dotted: the 50 ms goal</text>`,
    ...scenarios.map((s, i) =>
      panel(
        s,
        results.filter((m) => m.scenario === s),
        (i % COLUMNS) * W,
        legendH + Math.floor(i / COLUMNS) * H,
      ),
    ),
    '</svg>',
    '',
  ].join('\n');
}
