import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every server the harness starts lives under one run directory, so that the end of a run (or
 * the next run, after a kill -9) can find and stop exactly the processes it owns by their
 * command line, and nothing else on the machine.
 */
const RUNS_ROOT = join(tmpdir(), 'ballast-harness');

export interface RunDir {
  readonly path: string;
}

export function createRunDir(): RunDir {
  sweepStaleRuns();
  mkdirSync(RUNS_ROOT, { recursive: true, mode: 0o755 });
  const path = join(RUNS_ROOT, `run-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(path, { recursive: true, mode: 0o755 });
  writeFileSync(join(path, 'owner.pid'), String(process.pid));
  return { path };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Processes whose command line mentions `marker` (a run directory), excluding ourselves. */
export function processesMentioning(marker: string): { pid: number; command: string }[] {
  let out: string;
  try {
    out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  } catch {
    return [];
  }
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.includes(marker))
    .map((line) => {
      const [pid, ...rest] = line.split(/\s+/);
      return { pid: Number(pid), command: rest.join(' ') };
    })
    .filter((p) => p.pid !== process.pid && !p.command.startsWith('ps '));
}

/** A previous run killed with SIGKILL cannot stop its servers: the next run does it. */
function sweepStaleRuns(): void {
  if (!existsSync(RUNS_ROOT)) return;
  for (const entry of readdirSync(RUNS_ROOT)) {
    const dir = join(RUNS_ROOT, entry);
    let owner = Number.NaN;
    try {
      owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
    } catch {}
    if (Number.isFinite(owner) && isAlive(owner)) continue;
    for (const p of processesMentioning(dir)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {}
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not allocate a free TCP port'));
      });
    });
  });
}

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<number | null>;
}

/**
 * Starts a long-running server in its own process group (so Ctrl-C reaches the harness, which
 * then shuts servers down in order) with output captured to a log file for error messages.
 */
export function spawnServer(
  name: string,
  command: string,
  args: string[],
  options: { runDir: RunDir; runAs?: string; env?: NodeJS.ProcessEnv },
): ManagedProcess {
  const logFile = join(options.runDir.path, `${name}.log`);
  const [cmd, argv] = options.runAs
    ? ['runuser', ['-u', options.runAs, '--', command, ...args]]
    : [command, args];
  const fd = openSync(logFile, 'a');
  const child = spawn(cmd, argv, {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...options.env },
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  return { name, child, logFile, exited };
}

export function tailLog(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  {
    timeoutMs = 30_000,
    intervalMs = 50,
    logFile,
  }: { timeoutMs?: number; intervalMs?: number; logFile?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const detail = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
  const log = logFile ? `\n--- ${logFile} ---\n${tailLog(logFile)}` : '';
  throw new Error(`${what} did not become ready within ${timeoutMs} ms${detail}${log}`);
}

/** Stops a server: polite signal first, SIGKILL to the whole group if it lingers. */
export async function stopProcess(
  proc: ManagedProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 10_000,
) {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const pid = proc.child.pid;
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {}
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
  if ((await Promise.race([proc.exited, timer])) === 'timeout') {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
    await proc.exited;
  }
}

export function commandExists(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v "$1"`, 'sh', cmd], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Stops every process of a run without yielding to the event loop, for signal handlers: a test
 * runner exits right after its own SIGINT handler, before any awaited shutdown could finish.
 * PostgreSQL gets SIGINT (fast shutdown: it ends its backends too), the others SIGTERM; whatever
 * is still alive after `timeoutMs` gets SIGKILL. Returns the processes still alive at the end.
 */
export function stopRunSync(marker: string, timeoutMs = 15_000): { pid: number; command: string }[] {
  const signal = (p: { pid: number; command: string }, s: NodeJS.Signals) => {
    try {
      process.kill(p.pid, s);
    } catch {}
  };
  for (const p of processesMentioning(marker)) signal(p, /postgres/.test(p.command) ? 'SIGINT' : 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (processesMentioning(marker).length > 0 && Date.now() < deadline) sleepSync(100);
  for (const p of processesMentioning(marker)) signal(p, 'SIGKILL');
  sleepSync(200);
  return processesMentioning(marker);
}
