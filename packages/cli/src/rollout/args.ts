/** `ballast rollout` options → a core RolloutOptions minus what needs a connection; usage errors are UsageError. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HealthCheck, HealthGate } from '@ballast/core';
import { parseDuration } from '../check/args.js';
import { knexMigrationsIn } from '../knex-capture.js';
import { UsageError } from '../lint-args.js';

export const ROLLOUT_OPTIONS = {
  'control-url': { type: 'string' },
  targets: { type: 'string' },
  'targets-query': { type: 'string' },
  id: { type: 'string' },
  waves: { type: 'string' },
  concurrency: { type: 'string' },
  'gate-sql': { type: 'string' },
  'gate-max': { type: 'string' },
  'gate-min': { type: 'string' },
  'gate-module': { type: 'string' },
  'gate-http': { type: 'string' },
  soak: { type: 'string' },
  'gate-interval': { type: 'string' },
  'auto-rollback': { type: 'boolean' },
  retry: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = Readonly<Record<string, string | boolean | undefined>>;

export function controlUrl(values: Values): string {
  const url = (values['control-url'] as string | undefined) ?? process.env.BALLAST_CONTROL_URL;
  if (!url) throw new UsageError('no control database: pass --control-url or set BALLAST_CONTROL_URL');
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new UsageError('--control-url: expected a postgres:// URL');
  return url;
}

const number = (values: Values, option: string): number | undefined => {
  const text = values[option] as string | undefined;
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new UsageError(`--${option} ${text}: expected a number`);
  return n;
};

export function concurrencyOf(values: Values): number {
  const n = number(values, 'concurrency') ?? 4;
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--concurrency ${n}: use a whole number >= 1`);
  return n;
}

export const wavesOf = (values: Values) =>
  (values.waves as string | undefined)
    ?.split(',')
    .map((w) => w.trim())
    .filter(Boolean);

/** Lines of a targets file: one URL each; blank lines and `#` comments skipped. */
export function targetsFromFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--targets ${file}: ${(error as Error).message}`);
  }
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** The gate from --gate-sql / --gate-module / --gate-http and the soak options; undefined without checks. */
export async function gateOf(values: Values): Promise<HealthGate | undefined> {
  const checks: HealthCheck[] = [];
  const sql = values['gate-sql'] as string | undefined;
  const [max, min] = [number(values, 'gate-max'), number(values, 'gate-min')];
  if (sql) {
    if (max === undefined && min === undefined)
      throw new UsageError('--gate-sql needs a threshold: --gate-max N and/or --gate-min N');
    checks.push({
      kind: 'sql',
      sql,
      ...(max !== undefined ? { max } : {}),
      ...(min !== undefined ? { min } : {}),
    });
  } else if (max !== undefined || min !== undefined)
    throw new UsageError('--gate-max/--gate-min need --gate-sql');
  const module = values['gate-module'] as string | undefined;
  if (module) {
    const mod = (await import(pathToFileURL(resolve(module)).href)) as { default?: unknown; check?: unknown };
    const check = typeof mod.default === 'function' ? mod.default : mod.check;
    if (typeof check !== 'function')
      throw new UsageError(`--gate-module ${module}: export a function (default or named check)`);
    checks.push({ kind: 'callback', name: basename(module), check: check as never });
  }
  const http = values['gate-http'] as string | undefined;
  if (http) checks.push({ kind: 'http', url: http });
  const soak = values.soak as string | undefined;
  const interval = values['gate-interval'] as string | undefined;
  if (checks.length === 0) {
    if (soak || interval)
      throw new UsageError('--soak/--gate-interval need a gate (--gate-sql, --gate-module or --gate-http)');
    return undefined;
  }
  return {
    checks,
    ...(soak ? { soakMs: duration('soak', soak) } : {}),
    ...(interval ? { intervalMs: duration('gate-interval', interval) } : {}),
  };
}

function duration(option: string, text: string): number {
  try {
    return parseDuration(text);
  } catch {
    throw new UsageError(`--${option} ${text}: use a duration such as 30s, 500ms or 2m`);
  }
}

/** Default id: the migration files and the fleet, so the same command resumes the same rollout. */
export function defaultId(dir: string, targetKeys: readonly string[]): string {
  const files = knexMigrationsIn(dir).map((f) => basename(f));
  const hash = createHash('sha256')
    .update(JSON.stringify([files, [...targetKeys].sort()]))
    .digest('hex');
  return `rollout-${hash.slice(0, 12)}`;
}
