import type { Database } from '../db.js';
import type { Blocker } from '../dialects/runtime.js';
import { runtimeOf } from '../dialects/runtime-of.js';
import { startPoller } from './poller.js';

export type { Blocker } from '../dialects/runtime.js';

/** Who blocks session `id` now (the dialect's blocker query, on a session of its own). */
export const blockersOf = (db: Database, id: number): Promise<Blocker[]> =>
  db.withSession((s) => runtimeOf(db).blockersOf(s, id));

/**
 * Samples the blockers of `id` every `intervalMs` from another session while our statement waits
 * (after the lock timeout fires, the server no longer says who blocked it); stop() returns the
 * last non-empty sample.
 */
export function watchBlockers(db: Database, id: number, intervalMs: number) {
  let last: Blocker[] = [];
  const poller = startPoller(intervalMs, async () => {
    const found = await blockersOf(db, id);
    if (found.length > 0) last = found;
  });
  return {
    async stop(): Promise<Blocker[]> {
      await poller.stop();
      return last;
    },
  };
}
