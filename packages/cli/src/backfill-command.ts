/**
 * `ballast backfill list|status|pause|resume|cancel`: operate running backfills from another
 * terminal. Requests are stored on the job's checkpoint; the runner honours them between batches.
 * `ballast backfill worker` runs ranges of distributed backfills (backfill-worker.ts).
 */
import { backfillStatus, backfillWorkers, type Database, requestBackfill } from '@ballast/core';
import { backfillDetail, backfillRows } from './backfill-view.js';
import { concurrencyOf, runWorker, WORKER_OPTIONS, workerPoolSize } from './backfill-worker.js';
import { DB_OPTIONS_HELP, type DbArgs, runDbCommand } from './db-command.js';
import { didYouMean } from './did-you-mean.js';
import { json } from './format.js';
import type { Io } from './io.js';
import { UsageError } from './lint-args.js';
import { backfillViews } from './status-read.js';

export const BACKFILL_USAGE = `usage: ballast backfill <list|status|pause|resume|cancel|worker> [job] [options]

  list            every backfill job in the database: state, progress, rate, ETA
  status <job>    one job in detail
  pause <job>     the runner stops issuing batches after the current one, until resume
  resume <job>    a paused job continues
  cancel <job>    the runner stops after the current batch and ends the job as cancelled;
                  rerunning the migration (same job name) resumes it from its checkpoint
  worker [job]    runs ranges of distributed backfills (startDistributedBackfill) until
                  SIGINT/SIGTERM, or until <job> is finished; start one per core, on as many
                  machines as you like (needs the pg-boss package)

Job names are listed by \`ballast backfill list\`. pause/resume/cancel apply to running jobs
and need UPDATE on ballast_backfill_checkpoints.

options:
${DB_OPTIONS_HELP}
  --concurrency N      worker: ranges this process runs at once (default 1)

Exit status 0 on success, 1 when the job is unknown or not running, 2 on usage errors.
`;

const ACTIONS = ['list', 'status', 'pause', 'resume', 'cancel', 'worker'] as const;
type Action = (typeof ACTIONS)[number];

export function runBackfillCommand(argv: readonly string[], io: Io): Promise<number> {
  const action = argv.find((a) => !a.startsWith('-')) as Action | undefined;
  return runDbCommand(
    {
      name: action && ACTIONS.includes(action) ? `backfill ${action}` : 'backfill',
      usage: BACKFILL_USAGE,
      check,
      mysql:
        'pause, resume and cancel are requests stored on PostgreSQL checkpoints, and workers run PostgreSQL distributed backfills; ballast status lists MySQL/MariaDB backfills',
      options: WORKER_OPTIONS,
      poolSize: workerPoolSize,
      run: (db, args, out) => run(db, args, out),
    },
    argv,
    io,
  );
}

function check(args: DbArgs): void {
  const [action, job, ...rest] = args.positionals;
  if (!action) throw new UsageError(`expected one of ${ACTIONS.join(', ')}`);
  if (!ACTIONS.includes(action as Action))
    throw new UsageError(
      `unknown action ${action}${didYouMean(action, ACTIONS)}; expected one of ${ACTIONS.join(', ')}`,
    );
  if (action !== 'worker' && args.values.concurrency !== undefined)
    throw new UsageError('--concurrency is an option of worker only');
  if (action === 'worker') {
    if (rest.length > 0) throw new UsageError('worker takes at most one job name');
    concurrencyOf(args);
    return;
  }
  if (action === 'list' ? job !== undefined : job === undefined || rest.length > 0)
    throw new UsageError(
      action === 'list' ? `list takes no job (got ${job})` : `${action} takes one job name`,
    );
}

async function run(db: Database, args: DbArgs, io: Io): Promise<number> {
  const [action, job] = args.positionals as [Action, string];
  if (action === 'list') {
    const jobs = await backfillViews(db, await backfillStatus(db));
    io.stdout.write(
      args.json ? json(jobs) : jobs.length === 0 ? 'no backfill jobs in this database\n' : backfillRows(jobs),
    );
    return 0;
  }
  if (action === 'worker') return runWorker(db, args, io);
  if (action === 'status') {
    const [found] = await backfillViews(db, await backfillStatus(db, job));
    if (!found) return notFound(io, job, 'exists');
    const workers = await backfillWorkers(db, job);
    const view = workers ? { ...found, workers } : found;
    io.stdout.write(args.json ? json(view) : backfillDetail(view));
    return 0;
  }
  const stored = await requestBackfill(db, job, action === 'resume' ? null : action);
  if (!stored) return notFound(io, job, 'is running');
  const [view] = await backfillViews(db, [stored]);
  io.stdout.write(args.json ? json(view) : `${SAID[action].replaceAll('%s', job)}\n`);
  return 0;
}

const SAID = {
  pause:
    'pause of %s requested: its runner stops after the current batch (ballast backfill resume %s to continue)',
  resume: 'resume of %s requested: its runner continues with the next batch',
  cancel:
    'cancel of %s requested: its runner stops after the current batch; rerun the migration to resume it',
} as const;

function notFound(io: Io, job: string, what: string): number {
  io.stderr.write(
    `ballast backfill: no backfill job named ${JSON.stringify(job)} ${what} in this database\n  → ballast backfill list shows the jobs and their states\n`,
  );
  return 1;
}
