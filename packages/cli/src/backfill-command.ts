/**
 * `ballast backfill list|status|pause|resume|cancel`: operate running backfills from another
 * terminal. Requests are stored on the job's checkpoint; the runner honours them between batches.
 */
import { backfillStatus, type Database, requestBackfill } from '@ballast/core';
import { backfillDetail, backfillRows } from './backfill-view.js';
import { DB_OPTIONS_HELP, type DbArgs, runDbCommand } from './db-command.js';
import { didYouMean } from './did-you-mean.js';
import { json } from './format.js';
import type { Io } from './io.js';
import { UsageError } from './lint-args.js';
import { backfillViews } from './status-read.js';

export const BACKFILL_USAGE = `usage: ballast backfill <list|status|pause|resume|cancel> [job] [options]

  list            every backfill job in the database: state, progress, rate, ETA
  status <job>    one job in detail
  pause <job>     the runner stops issuing batches after the current one, until resume
  resume <job>    a paused job continues
  cancel <job>    the runner stops after the current batch and ends the job as cancelled;
                  rerunning the migration (same job name) resumes it from its checkpoint

Job names are listed by \`ballast backfill list\`. pause/resume/cancel apply to running jobs
and need UPDATE on ballast_backfill_checkpoints.

options:
${DB_OPTIONS_HELP}

Exit status 0 on success, 1 when the job is unknown or not running, 2 on usage errors.
`;

const ACTIONS = ['list', 'status', 'pause', 'resume', 'cancel'] as const;
type Action = (typeof ACTIONS)[number];

export function runBackfillCommand(argv: readonly string[], io: Io): Promise<number> {
  const action = argv.find((a) => !a.startsWith('-')) as Action | undefined;
  return runDbCommand(
    {
      name: action && ACTIONS.includes(action) ? `backfill ${action}` : 'backfill',
      usage: BACKFILL_USAGE,
      check,
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
  if (action === 'status') {
    const [view] = await backfillViews(db, await backfillStatus(db, job));
    if (!view) return notFound(io, job, 'exists');
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
