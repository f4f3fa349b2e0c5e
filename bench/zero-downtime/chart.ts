/**
 * A hand-written SVG: one panel per scenario, the longest wait of an in-flight client transaction
 * per 100 ms on a log scale for each mode, with the reader and each migration's start/end marked.
 */
import type { Measurement } from './measure.js';

export const COLORS: Record<string, string> = {
  idle: '#888888',
  naive: '#d62728',
  'ballast-no-wait': '#ff7f0e',
  ballast: '#2ca02c',
  pgroll: '#1f77b4',
};
const W = 900;
const PANEL_H = 170;
const M = { left: 60, right: 20, top: 28, bottom: 26 };
const Y_MIN = 0.1;

const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

function panel(scenario: string, rows: readonly Measurement[], top: number): string {
  const measured = rows.filter((m) => m.available && m.series);
  // The top of the scale is the next power of ten above the longest wait, so no stall is clipped.
  const longest = Math.max(1000, ...measured.flatMap((m) => m.series!.map(([, v]) => v)));
  const yMax = 10 ** Math.ceil(Math.log10(longest));
  const spanMs = Math.max(1000, ...measured.flatMap((m) => m.series!.map(([t]) => t + 100)));
  const plotW = W - M.left - M.right;
  const plotH = PANEL_H - M.top - M.bottom;
  const x = (ms: number) => M.left + (ms / spanMs) * plotW;
  const y = (v: number) => {
    const c = Math.min(yMax, Math.max(Y_MIN, v));
    return (
      top +
      M.top +
      plotH -
      ((Math.log10(c) - Math.log10(Y_MIN)) / (Math.log10(yMax) - Math.log10(Y_MIN))) * plotH
    );
  };
  const out: string[] = [
    `<text x="${M.left}" y="${top + 18}" font-weight="bold">${esc(scenario)}</text>`,
    `<rect x="${M.left}" y="${top + M.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#ccc"/>`,
  ];
  for (let v = 1; v <= yMax; v *= 10) {
    out.push(
      `<line x1="${M.left}" x2="${M.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`,
      `<text x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="10">${v} ms</text>`,
    );
  }
  for (let s = 0; s * 1000 <= spanMs; s += spanMs > 15_000 ? 5 : 2) {
    out.push(
      `<text x="${x(s * 1000)}" y="${top + PANEL_H - 8}" text-anchor="middle" font-size="10">${s}s</text>`,
    );
  }
  for (const m of measured) {
    const color = COLORS[m.mode]!;
    const points = m.series!.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    out.push(
      `<polyline points="${points}" fill="none" stroke="${color}" stroke-width="1.2" opacity="0.85"/>`,
    );
    for (const p of m.phases ?? []) {
      const isReader = p.label.startsWith('reader');
      if (isReader && m !== measured[0]) continue; // the reader is identical in every mode: draw it once
      const stroke = isReader ? '#555' : color;
      const major = isReader || p.label.startsWith('migration') || p.label.startsWith('phase');
      out.push(
        major
          ? `<line x1="${x(p.atMs)}" x2="${x(p.atMs)}" y1="${top + M.top}" y2="${top + M.top + plotH}" stroke="${stroke}" stroke-dasharray="4 3"><title>${esc(`${m.mode}: ${p.label}`)}</title></line>`
          : `<line x1="${x(p.atMs)}" x2="${x(p.atMs)}" y1="${top + M.top}" y2="${top + M.top + 8}" stroke="${stroke}"><title>${esc(`${m.mode}: ${p.label}`)}</title></line>`,
      );
    }
  }
  const missing = rows.filter((m) => !m.available).map((m) => `${m.mode}: not available`);
  if (missing.length > 0) {
    out.push(
      `<text x="${M.left + plotW - 4}" y="${top + 18}" text-anchor="end" font-size="11" fill="#777">${esc(missing.join('; '))}</text>`,
    );
  }
  return out.join('\n');
}

export function renderChart(results: readonly Measurement[]): string {
  // With --sizes, one panel per scenario and size.
  const sized = new Set(results.map((m) => m.rows)).size > 1;
  const panelOf = (m: Measurement) =>
    sized ? `${m.scenario} · ${m.rows.toLocaleString('en-US')} rows` : m.scenario;
  const scenarios = [...new Set(results.map(panelOf))];
  // Only the modes measured, each entry as wide as its name.
  const shown = Object.entries(COLORS).filter(([mode]) => results.some((m) => m.mode === mode));
  let at = M.left;
  const legend = shown
    .map(([mode, color]) => {
      const x = at;
      at += 46 + mode.length * 7;
      return `<line x1="${x}" x2="${x + 24}" y1="24" y2="24" stroke="${color}" stroke-width="3"/><text x="${x + 30}" y="28">${mode}</text>`;
    })
    .join('\n');
  // Beside the legend, or under it when four modes leave no room.
  const below = at + 10 > M.left + 340;
  const noteX = below ? M.left : M.left + 340;
  const legendH = below ? 72 : 40;
  const height = legendH + scenarios.length * PANEL_H;
  const note = `<text x="${noteX}" y="${below ? 48 : 20}" font-size="11" fill="#555"><tspan>longest wait of an in-flight client transaction per 100 ms (log scale)</tspan><tspan x="${noteX}" dy="14">dashed: reader (grey), migration start/end and phases; ticks: Ballast runner events</tspan></text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${height}" fill="white"/>`,
    legend,
    note,
    ...scenarios.map((s, i) =>
      panel(
        s,
        results.filter((m) => panelOf(m) === s),
        legendH + i * PANEL_H,
      ),
    ),
    '</svg>',
    '',
  ].join('\n');
}
