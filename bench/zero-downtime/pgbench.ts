/**
 * Drives application traffic with PostgreSQL's own load generator, pgbench, and reads back its
 * per-transaction logs: every transaction's end time and latency, so the benchmark can compute
 * percentiles, the maximum and latency over time itself (pgbench's summary has no p99/max).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One pgbench script (a single-statement transaction) and its relative weight. */
export interface PgbenchScript {
  readonly name: string;
  readonly sql: string;
  readonly weight: number;
}

export interface PgbenchOptions {
  readonly url: string;
  readonly scripts: readonly PgbenchScript[];
  readonly clients: number;
  readonly durationS: number;
  /** `-D name=value` variables the scripts use (e.g. rows). */
  readonly defines: Readonly<Record<string, string | number>>;
  /** Where scripts and logs go. */
  readonly dir: string;
  /** Optional `-R`: open-loop rate in transactions/s (latency then includes schedule lag). */
  readonly rate?: number;
}

/** One transaction as a client saw it. Times are epoch milliseconds. */
export interface TxSample {
  readonly endMs: number;
  readonly latencyMs: number;
  readonly script: string;
  readonly failed: boolean;
}

export interface PgbenchResult {
  readonly samples: readonly TxSample[];
  /** Failed transactions (logged as failed) plus clients pgbench aborted on an error. */
  readonly errors: number;
  readonly abortedClients: number;
  /** First error lines pgbench printed, for the report. */
  readonly errorLines: readonly string[];
  readonly exitCode: number | null;
}

export function pgbenchBinary(): string {
  const fromEnv = process.env.BALLAST_PGBENCH;
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const major of majors) {
    const bin = join(root, major, 'bin', 'pgbench');
    if (existsSync(bin)) return bin;
  }
  throw new Error(
    'pgbench not found under /usr/lib/postgresql/*/bin: install postgresql-client or point BALLAST_PGBENCH at a pgbench binary.',
  );
}

function connectionArgs(url: string): string[] {
  const u = new URL(url);
  return [
    '-h',
    u.hostname,
    '-p',
    u.port || '5432',
    '-U',
    decodeURIComponent(u.username || 'postgres'),
    decodeURIComponent(u.pathname.slice(1) || 'postgres'),
  ];
}

/**
 * Starts pgbench (closed loop: each of N clients runs its next transaction as soon as the last
 * one ends, unless `rate` is set) and resolves when its `-T` duration is over.
 */
export function runPgbench(options: PgbenchOptions): {
  readonly startedAt: number;
  done: Promise<PgbenchResult>;
} {
  const scriptArgs = options.scripts.flatMap((s) => {
    const file = join(options.dir, `${s.name}.sql`);
    writeFileSync(file, s.sql);
    return ['-f', `${file}@${s.weight}`];
  });
  const prefix = join(options.dir, 'txlog');
  const args = [
    '-n',
    ...scriptArgs,
    ...Object.entries(options.defines).flatMap(([k, v]) => ['-D', `${k}=${v}`]),
    '-c',
    String(options.clients),
    '-j',
    String(options.clients),
    '-T',
    String(options.durationS),
    ...(options.rate ? ['-R', String(options.rate)] : []),
    '-l',
    `--log-prefix=${prefix}`,
    '--failures-detailed',
    ...connectionArgs(options.url),
  ];
  const password = new URL(options.url).password;
  const child = spawn(pgbenchBinary(), args, {
    cwd: options.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...(password ? { PGPASSWORD: decodeURIComponent(password) } : {}) },
  });
  const startedAt = Date.now();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<PgbenchResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        resolve(readResult(options, prefix, stdout, stderr, code, startedAt));
      } catch (error) {
        reject(error);
      }
    });
  });
  return { startedAt, done };
}

function readResult(
  options: PgbenchOptions,
  prefix: string,
  stdout: string,
  stderr: string,
  exitCode: number | null,
  startedAt: number,
): PgbenchResult {
  const dir = options.dir;
  const base = prefix.slice(dir.length + 1);
  const files = readdirSync(dir).filter((f) => f.startsWith(`${base}.`));
  if (files.length === 0) {
    throw new Error(`pgbench wrote no transaction log in ${dir} (exit ${exitCode}):\n${stderr || stdout}`);
  }
  const samples: TxSample[] = [];
  for (const file of files) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      // client_id transaction_no time script_no time_epoch time_us [schedule_lag] [retries]
      const f = line.split(' ');
      if (f.length < 6) continue;
      const endMs = Number(f[4]) * 1000 + Number(f[5]) / 1000;
      // A failed transaction has a word ("failed", "serialization", "deadlock") instead of a time.
      const failed = !/^\d/.test(f[2]!);
      const latencyMs = failed ? Number.NaN : Number(f[2]) / 1000;
      samples.push({ endMs, latencyMs, script: options.scripts[Number(f[3])]?.name ?? f[3]!, failed });
    }
  }
  samples.sort((a, b) => a.endMs - b.endMs);
  // A log line older than this run is another run's (a reused directory): its latencies would be
  // counted as this run's. One second of slack for the clocks' resolution.
  const stale = samples.find((s) => s.endMs < startedAt - 1000);
  if (stale) {
    throw new Error(
      `pgbench log in ${dir} holds a transaction from before this run (${new Date(stale.endMs).toISOString()}): give each run its own directory`,
    );
  }
  const errorLines = stderr.split('\n').filter((l) => /error|abort|fatal/i.test(l));
  const abortedClients = errorLines.filter((l) => /client \d+ (script \d+ )?aborted/.test(l)).length;
  const failed = samples.filter((s) => s.failed).length;
  return {
    samples,
    errors: failed + abortedClients,
    abortedClients,
    errorLines: errorLines.slice(0, 5),
    exitCode,
  };
}
