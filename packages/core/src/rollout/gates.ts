import { sleep } from '../backfill/throttle.js';
import { postgresDatabaseFromUrl } from '../db.js';
import { BallastError } from '../errors.js';
import { redact, targetKey } from './targets.js';
import type { CheckVerdict, GateContext, HealthCheck, HealthGate } from './types.js';

/**
 * The health gate between waves: every check sampled now and then every `intervalMs` until
 * `soakMs` have passed. The first failing sample fails the gate (its reason halts the rollout).
 */
export async function observeGate(
  gate: HealthGate,
  context: GateContext,
  urls: readonly string[],
  log: (line: string) => void,
): Promise<CheckVerdict> {
  const soakMs = gate.soakMs ?? 0;
  const intervalMs = gate.intervalMs ?? 5000;
  const until = Date.now() + soakMs;
  for (let sample = 1; ; sample++) {
    for (const check of gate.checks) {
      const verdict = await runCheck(check, context, urls).catch(
        (error: Error): CheckVerdict => ({
          ok: false,
          reason: `${describe(check)} failed: ${error.message}`,
        }),
      );
      if (!verdict.ok) return verdict;
    }
    log(`wave ${context.wave}: gate sample ${sample} healthy`);
    if (Date.now() >= until) return { ok: true };
    await sleep(Math.min(intervalMs, Math.max(0, until - Date.now())));
  }
}

function describe(check: HealthCheck): string {
  if (check.kind === 'sql') return `gate query`;
  if (check.kind === 'http') return `HTTP probe ${check.url}`;
  return `gate callback${check.name ? ` ${check.name}` : ''}`;
}

async function runCheck(
  check: HealthCheck,
  context: GateContext,
  urls: readonly string[],
): Promise<CheckVerdict> {
  if (check.kind === 'callback') {
    const v = await check.check(context);
    const verdict = typeof v === 'boolean' ? { ok: v } : v;
    return verdict.ok
      ? verdict
      : { ok: false, reason: `${describe(check)}: ${verdict.reason ?? 'unhealthy'}` };
  }
  if (check.kind === 'http') {
    const response = await fetch(check.url, { signal: AbortSignal.timeout(check.timeoutMs ?? 10_000) });
    await response.body?.cancel();
    const ok = check.status === undefined ? response.ok : response.status === check.status;
    return ok ? { ok } : { ok, reason: `${describe(check)} answered ${response.status}` };
  }
  for (const url of urls) {
    const value = await sqlValue(url, check.sql).catch((error: Error) => {
      throw new BallastError(`on ${targetKey(url)}: ${redact(error.message, url)}`, {
        where: targetKey(url),
      });
    });
    const bound =
      value === undefined
        ? 'returned no number'
        : check.max !== undefined && value > check.max
          ? `returned ${value} > ${check.max}`
          : check.min !== undefined && value < check.min
            ? `returned ${value} < ${check.min}`
            : undefined;
    if (bound) return { ok: false, reason: `${describe(check)} on ${targetKey(url)} ${bound}` };
  }
  return { ok: true };
}

/** The first column of the first row, as a number (undefined when missing or not numeric). */
async function sqlValue(url: string, sql: string): Promise<number | undefined> {
  const db = postgresDatabaseFromUrl(url, { max: 1 });
  try {
    const [row] = await db.withSession((s) => s.query<Record<string, unknown>>(sql));
    const first = row ? Object.values(row)[0] : undefined;
    const n = first === null || first === undefined ? Number.NaN : Number(first);
    return Number.isFinite(n) ? n : undefined;
  } finally {
    await db.close?.();
  }
}
