/** Human text for the database commands: rounded numbers, short durations, sizes, times. */
export const count = (n: number) => Math.round(n).toLocaleString('en-US');

export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

export function bytes(n: number | null): string {
  if (n === null) return '? B';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) [v, i] = [v / 1024, i + 1];
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** `2026-11-29 19:15:20 UTC (3m ago)` / `(in 6d23h)`. */
export function when(date: Date, now = new Date()): string {
  const text = `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  const delta = (date.getTime() - now.getTime()) / 1000;
  return `${text} (${delta >= 0 ? `in ${duration(delta)}` : `${duration(-delta)} ago`})`;
}

/** Rows of cells → aligned columns, two spaces apart, indented. */
export function table(rows: readonly (readonly string[])[], indent = '  '): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  return rows
    .map(
      (row) =>
        `${indent}${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`,
    )
    .join('');
}

/** JSON with dates as ISO strings (JSON.stringify does that) and one trailing newline. */
export const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
