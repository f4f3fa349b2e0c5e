import type { Database } from '../db.js';
import { runtimeOf } from '../dialects/runtime-of.js';
import type { ProgressReporter } from '../report/progress.js';
import { startPoller } from './poller.js';

/**
 * Reports a running index build of session `pid`, where the dialect can read its progress: blocks
 * while scanning the table, tuples while sorting/loading, with the phase name.
 */
export function watchIndexBuild(
  db: Database,
  pid: number,
  target: string,
  reporter: ProgressReporter,
  intervalMs = 500,
) {
  const read = runtimeOf(db).indexBuildProgress;
  let lastPhase: string | undefined;
  const started = Date.now();
  const poller = startPoller(intervalMs, async () => {
    const row = read && (await db.withSession((s) => read(s, pid)));
    if (!row) return;
    lastPhase = row.phase;
    const byBlocks = row.blocksTotal > 0;
    const done = byBlocks ? row.blocksDone : row.tuplesDone;
    const total = byBlocks ? row.blocksTotal : row.tuplesTotal;
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
