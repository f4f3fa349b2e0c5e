import type { Database } from '../db.js';
import type { ProgressReporter } from '../report/progress.js';
import { startPoller } from './poller.js';

interface ProgressRow {
  phase: string;
  blocks_done: string;
  blocks_total: string;
  tuples_done: string;
  tuples_total: string;
}

/**
 * Reports a running CREATE INDEX [CONCURRENTLY] of backend `pid` from pg_stat_progress_create_index
 * (PG >= 12): blocks while scanning the table, tuples while sorting/loading, with the phase name.
 */
export function watchIndexBuild(
  db: Database,
  pid: number,
  target: string,
  reporter: ProgressReporter,
  intervalMs = 500,
) {
  let lastPhase: string | undefined;
  const started = Date.now();
  const poller = startPoller(intervalMs, async () => {
    const [row] = await db.withSession((s) =>
      s.query<ProgressRow>(
        `select phase, blocks_done, blocks_total, tuples_done, tuples_total
           from pg_stat_progress_create_index where pid = $1`,
        [pid],
      ),
    );
    if (!row) return;
    lastPhase = row.phase;
    const byBlocks = Number(row.blocks_total) > 0;
    const done = Number(byBlocks ? row.blocks_done : row.tuples_done);
    const total = Number(byBlocks ? row.blocks_total : row.tuples_total);
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : undefined;
    reporter.update({
      operation: 'create-index',
      target,
      done,
      ...(total > 0 ? { total } : {}),
      ...(rate ? { rate } : {}),
      ...(rate && total > done ? { etaSeconds: (total - done) / rate } : {}),
      phase: row.phase,
    });
  });
  return {
    async stop(ok: boolean) {
      await poller.stop();
      reporter.finish({
        operation: 'create-index',
        target,
        done: 1,
        total: 1,
        ...(lastPhase ? { phase: lastPhase } : {}),
        ...(ok ? { message: 'index built' } : { error: 'index build failed' }),
      });
    },
  };
}
