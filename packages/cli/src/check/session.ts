/**
 * What plan and check share: the pending migrations, the target's row counts, a throwaway copy
 * that is always dropped (also when the run throws, and on Ctrl-C / SIGTERM), and the tracer.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BallastError } from '@ballast/core';
import { pendingIn } from './apply.js';
import type { CheckArgs } from './args.js';
import { openCopy, type ThrowawayCopy } from './copy.js';
import { copyRows, type RowCounts, targetRows } from './estimate.js';
import { LockTracer } from './tracer.js';
import { connectPg, maskSecrets } from './url.js';

export interface CopySession {
  readonly dir: string;
  readonly pending: readonly string[];
  readonly copy: ThrowawayCopy;
  readonly method: 'template' | 'schema-dump';
  readonly tracer: LockTracer;
  readonly rows: RowCounts;
}

export async function withCopy<T>(
  args: CheckArgs,
  fn: (session: CopySession) => Promise<T>,
): Promise<{ pending: readonly string[]; result?: T }> {
  const dir = resolve(args.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new BallastError(`${args.dir}: not a directory of Knex migrations`, {
      where: args.dir,
      hint: 'pass the directory knexfile.js names in migrations.directory',
    });
  const target = await connectPg(args.databaseUrl).catch((err: Error) => {
    throw new BallastError(`cannot connect to the target: ${maskSecrets(err.message, args.databaseUrl)}`, {
      where: '--database-url',
      hint: 'check the URL, and that the role may connect and create databases',
    });
  });
  let pending: string[];
  let targetCounts: Map<string, number | undefined>;
  try {
    pending = await pendingIn(dir, target);
    targetCounts = await targetRows(target);
  } finally {
    // Closed before the copy: a session of ours on the target would rule out the template copy.
    await target.end();
  }
  if (pending.length === 0) return { pending };
  const copy = await openCopy(args.databaseUrl);
  let interrupted: NodeJS.Signals | undefined;
  const exitCode = (signal: NodeJS.Signals) => (signal === 'SIGINT' ? 130 : 143);
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal;
    void copy.drop().finally(() => process.exit(exitCode(signal)));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let tracer: LockTracer | undefined;
  try {
    const method = await copy.create({ sampleRows: args.sampleRows, pgDump: args.pgDump });
    const client = await connectPg(copy.url);
    const copied = await (method === 'template'
      ? Promise.resolve(new Map([...targetCounts].map(([t, n]) => [t, n ?? 0])))
      : copyRows(client)
    ).finally(() => client.end());
    tracer = await LockTracer.open(copy.url);
    const result = await fn({
      dir,
      pending,
      copy,
      method,
      tracer,
      rows: { target: targetCounts, copy: copied },
    });
    return { pending, result };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await tracer?.close().catch(() => {});
    await copy.drop();
    // Dropping the copy under a running migration fails it: exit as the signal asks, not with
    // that error's status (whichever of the two paths gets here first).
    if (interrupted) process.exit(exitCode(interrupted));
  }
}
