import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Database, postgresDatabaseFromUrl, startDistributedBackfill } from '@ballast/core';

const CHILD = fileURLToPath(new URL('./worker-child.ts', import.meta.url));

export interface FleetRun {
  readonly workers: number;
  readonly seconds: number;
  /** Rows the job had done when one worker was killed (undefined: nobody was killed). */
  readonly killedAtRows?: number;
  /** The range the killed worker held, by its last heartbeat. */
  readonly killedRange?: number;
  readonly results: readonly { worker: string; rangesDone: number; rowsChanged: number }[];
}

export interface FleetOptions {
  readonly url: string;
  readonly table: string;
  readonly job: string;
  readonly workers: number;
  readonly ranges: number;
  readonly leaseSeconds: number;
  /** SIGKILL worker 0 once the job has done this share of `rows` (0..1). */
  readonly killAt?: { readonly share: number; readonly rows: number };
}

/**
 * A distributed backfill of `counter = counter + 1` (non-idempotent on purpose: a row changed
 * twice shows as 2) by `workers` child processes, optionally one killed with kill -9 mid-way.
 * Shared by the acceptance test and bench/backfill/workers/run.ts.
 */
export async function runFleet(o: FleetOptions): Promise<FleetRun> {
  const db = postgresDatabaseFromUrl(o.url, { max: 2 });
  try {
    const t0 = performance.now();
    await startDistributedBackfill(
      db,
      { table: o.table, set: { counter: 'counter + 1' } },
      { job: o.job, ranges: o.ranges, leaseSeconds: o.leaseSeconds, maxBatchSize: 5000 },
    );
    const children = Array.from({ length: o.workers }, (_, i) => startChild(o.url, o.job, `w${i}`));
    let killedAtRows: number | undefined;
    let killedRange: number | undefined;
    if (o.killAt) {
      const target = o.killAt.share * o.killAt.rows;
      for (;;) {
        const done = await jobRows(db, o.job);
        const range = await heldRange(db, o.job, 'w0');
        if (done >= target && range !== undefined) {
          children[0]!.process.kill('SIGKILL');
          killedAtRows = done;
          killedRange = range;
          break;
        }
        if (children[0]!.process.exitCode !== null)
          throw new Error('worker w0 ended before it could be killed');
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    const results = await Promise.all(
      children.map((c, i) => (i === 0 && o.killAt ? c.exited.then(() => undefined) : c.result())),
    );
    const seconds = (performance.now() - t0) / 1000;
    return {
      workers: o.workers,
      seconds,
      ...(killedAtRows !== undefined ? { killedAtRows, killedRange } : {}),
      results: results.filter((r) => r !== undefined),
    };
  } finally {
    await db.close?.();
  }
}

function startChild(url: string, job: string, id: string) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=ballast-source', '--import', 'tsx', CHILD, url, job, id],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Asked for only when the worker is expected to end well (not for the one killed).
  const result = () =>
    exited.then((code) => {
      if (code !== 0) throw new Error(`worker ${id} exited with ${code}: ${stderr}`);
      return JSON.parse(stdout.trim().split('\n').pop()!) as FleetRun['results'][number];
    });
  return { process: child, exited, result };
}

async function jobRows(db: Database, job: string): Promise<number> {
  return db.withSession(async (s) => {
    const [row] = await s.query<{ n: string }>(
      `select coalesce(sum(rows_done), 0) as n from ballast_backfill_checkpoints where job like $1`,
      [`${job}#%`],
    );
    return Number(row?.n ?? 0);
  });
}

/** The range a worker runs now (its heartbeat), when that range is not finished yet. */
async function heldRange(db: Database, job: string, worker: string): Promise<number | undefined> {
  return db.withSession(async (s) => {
    const [row] = await s.query<{ range_index: number }>(
      `select w.range_index from ballast_backfill_workers w
         join ballast_backfill_checkpoints c on c.job = w.job || '#' || w.range_index
        where w.job = $1 and w.worker = $2 and c.status = 'running'`,
      [job, worker],
    );
    return row?.range_index;
  });
}
