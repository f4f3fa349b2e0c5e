/** One backfill job as text: shared by `ballast status` and `ballast backfill list|status`. */
import { count, duration, table, when } from './format.js';
import type { BackfillView } from './status-read.js';

export function backfillRows(jobs: readonly BackfillView[]): string {
  return table([
    ['JOB', 'STATE', 'TARGET', 'PROGRESS', 'RATE', 'ETA', 'LAST BATCH'],
    ...jobs.map((j) => [
      j.job,
      j.state,
      j.target,
      progress(j),
      j.rate === null ? '-' : `${count(j.rate)}/s`,
      j.etaSeconds === null ? '-' : duration(j.etaSeconds),
      when(j.updatedAt),
    ]),
  ]);
}

function progress(j: BackfillView): string {
  if (j.estimatedRows === null || j.estimatedRows === 0) return `${count(j.rowsDone)} rows`;
  const pct = j.state === 'done' ? 100 : Math.min(100, (100 * j.rowsDone) / j.estimatedRows);
  return `${count(j.rowsDone)}/~${count(j.estimatedRows)} rows (${Math.floor(pct)}%)`;
}

export function backfillDetail(j: BackfillView): string {
  const lines = [
    `job:        ${j.job}`,
    `state:      ${j.state}${j.pausedAt ? ` since ${when(j.pausedAt)}` : ''}`,
    `target:     ${j.target} (${j.paging} paging)`,
    `progress:   ${progress(j)} in ${count(j.batches)} batches`,
    `rate:       ${j.rate === null ? '-' : `${count(j.rate)} rows/s`}`,
    `eta:        ${j.etaSeconds === null ? '-' : duration(j.etaSeconds)}`,
    `started:    ${when(j.startedAt)}`,
    `last batch: ${when(j.updatedAt)}`,
    ...(j.error ? [`error:      ${j.error}`] : []),
    ...(j.workers ? [`workers:    ${workersLine(j.workers)}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** `2 alive (w1 on range 3, w2 on range 7), 1 silent`: a distributed backfill's workers. */
function workersLine(workers: NonNullable<BackfillView['workers']>): string {
  const alive = workers.filter((w) => w.alive);
  const on = alive.map((w) => `${w.worker}${w.range === null ? '' : ` on range ${w.range}`}`).join(', ');
  const silent = workers.length - alive.length;
  return `${alive.length} alive${on ? ` (${on})` : ''}${silent > 0 ? `, ${silent} silent` : ''}`;
}
