/** The demo's closing table: what the application's clients saw in each act, side by side. */
import { latencyStats } from '@ballast/testkit';
import type { SceneResult } from './scene.js';

export interface Act extends SceneResult {
  readonly mode: 'idle' | 'ballast' | 'naive';
  /** When each of Ballast's attempts gave up on lock_timeout (epoch ms). */
  readonly lockTimeouts?: readonly number[];
}

/** How many queries Ballast's failed attempts held up, and p99 without them: where p99 comes from. */
function attemptsShare(act: Act, lockTimeoutMs: number): string | undefined {
  const timeouts = act.lockTimeouts ?? [];
  if (timeouts.length === 0) return undefined;
  const queries = act.report.queries;
  const heldUp = (q: { start: number; end: number }) =>
    timeouts.some((t) => q.end >= t - lockTimeoutMs && q.start <= t);
  const caught = queries.filter(heldUp).length;
  const rest = latencyStats(
    queries.filter((q) => !heldUp(q)).map((q) => q.latencyMs),
    0,
    1,
  );
  return (
    `  Ballast's ${timeouts.length} lock attempts that timed out overlapped ${caught} of ${queries.length} queries ` +
    `(${((caught / queries.length) * 100).toFixed(2)}%); p99 of the others: ${ms(rest.p99)} ms.`
  );
}

const ms = (n: number) => n.toFixed(1);

/**
 * Prints the table and the acceptance checks for Ballast's act: no errors, p99 within 1.5× of
 * idle, no client slower than lock_timeout + 200 ms. Returns whether they all held.
 */
export function printResults(
  acts: readonly Act[],
  options: { readonly lockTimeoutMs: number; readonly write: (line: string) => void },
): boolean {
  const w = options.write;
  const header = ['mode', 'queries', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'migration'];
  const rows = acts.map((a) => {
    const s = a.report.stats;
    const migration =
      a.migrationMs === undefined
        ? '—'
        : `${(a.migrationMs / 1000).toFixed(2)} s${a.migrationError ? ' (FAILED)' : ''}`;
    return [a.mode, String(s.count), ms(s.p50), ms(s.p99), ms(s.max), String(s.errors), migration];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  w('');
  w(line(header));
  w(widths.map((n) => '─'.repeat(n)).join('  '));
  for (const r of rows) w(line(r));
  for (const a of acts) {
    if (a.migrationError) w(`${a.mode}: migration failed: ${a.migrationError}`);
    const first = a.report.errors[0];
    if (first) w(`${a.mode}: first client error: [${first.code ?? '?'}] ${first.error}`);
  }

  const idle = acts.find((a) => a.mode === 'idle')!.report.stats;
  const ballastAct = acts.find((a) => a.mode === 'ballast')!;
  const ballast = ballastAct.report.stats;
  const naive = acts.find((a) => a.mode === 'naive')!.report.stats;
  const maxAllowed = options.lockTimeoutMs + 200;
  const checks: [boolean, string][] = [
    [
      ballast.errors === 0 && !ballastAct.migrationError,
      `Ballast: ${ballast.errors} client errors, migration completed`,
    ],
    [
      ballast.p99 <= 1.5 * idle.p99,
      `Ballast p99 ${ms(ballast.p99)} ms <= 1.5 × idle p99 (${ms(1.5 * idle.p99)} ms)`,
    ],
    [
      ballast.max <= maxAllowed,
      `Ballast max ${ms(ballast.max)} ms <= lock_timeout + 200 ms (${maxAllowed} ms)`,
    ],
  ];
  w('');
  for (const [ok, text] of checks) w(`${ok ? '✓' : '✗'} ${text}`);
  const share = attemptsShare(ballastAct, options.lockTimeoutMs);
  if (share) w(share);
  w(
    naive.max > maxAllowed
      ? `  naive: the slowest client waited ${ms(naive.max)} ms — queries queued behind the ALTER, which queued behind the report query.`
      : `  naive: no stall this time (max ${ms(naive.max)} ms): the report query had ended before the ALTER arrived.`,
  );
  return checks.every(([ok]) => ok);
}
