/** `ballast backfill worker [job]`: one process of a distributed backfill's worker fleet. */
import { type Database, runBackfillWorker } from '@ballast/core';
import type { DbArgs } from './db-command.js';
import { json } from './format.js';
import type { Io } from './io.js';
import { UsageError } from './lint-args.js';

export const WORKER_OPTIONS = { concurrency: { type: 'string' } } as const;

export function concurrencyOf(args: DbArgs): number {
  const given = args.values.concurrency as string | undefined;
  if (given === undefined) return 1;
  const n = Number(given);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--concurrency: expected a whole number >= 1, got ${given}`);
  return n;
}

/**
 * Each range holds one connection for its batches and one for its impact guard (core's
 * maxClientWaitMs), and takes pooled ones for its reports; the queue one more.
 */
export const workerPoolSize = (args: DbArgs) =>
  args.positionals[0] === 'worker' ? 3 * concurrencyOf(args) + 2 : 2;

export async function runWorker(db: Database, args: DbArgs, io: Io): Promise<number> {
  const job = args.positionals[1];
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await runBackfillWorker(db, {
      concurrency: concurrencyOf(args),
      signal: stop.signal,
      ...(job ? { job } : {}),
      onRange: (r) => {
        if (!args.json)
          io.stdout.write(
            `${r.job} range ${r.range}: ${r.status}, ${r.rowsChanged.toLocaleString('en-US')} rows changed\n`,
          );
      },
    });
    io.stdout.write(
      args.json
        ? json(result)
        : `worker ${result.worker} stopped: ${result.rangesDone} ranges done, ${result.rowsChanged.toLocaleString('en-US')} rows changed\n`,
    );
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
