import type { Database } from '../db.js';
import type { Blocker, LockHolder } from '../dialects/runtime.js';
import { runtimeOf } from '../dialects/runtime-of.js';
import { displayName } from '../ops/shared.js';
import type { SqlStep } from '../plan.js';
import { sleep } from './retry.js';

/**
 * A transaction that has held a conflicting lock this long (by its age, or seen on two looks this
 * far apart) is waited out before a step asks for its lock; younger ones (application traffic,
 * milliseconds) are not, or a busy table would never look free. A long one that begins between
 * the last look and the attempt is left to lock_timeout and a retry.
 */
export const LONG_TRANSACTION_MS = 100;
const POLL_MS = 100;
const LOG_EVERY_MS = 5000;

export interface LockWait {
  /** The long transactions still holding a conflicting lock when the deadline passed. */
  readonly remaining: readonly Blocker[];
}

/**
 * Waits, until `deadline`, while a long transaction holds a lock on `step.relations` that
 * conflicts with `step.lock`. It only polls the server's lock table from the outside (the dialect's
 * conflictingHolders; a dialect without one goes straight to the attempts): a lock request that is
 * never made puts nobody in the lock queue, so application queries keep running meanwhile,
 * whereas a request waiting under lock_timeout makes every later query on the table wait with it.
 */
export async function waitForConflictingLocks(
  db: Database,
  step: SqlStep,
  deadline: number,
  log: (line: string) => void,
): Promise<LockWait> {
  const relations = step.relations ?? [];
  const runtime = runtimeOf(db);
  const probe = runtime.conflictingHolders;
  if (!probe) return { remaining: [] };
  const started = Date.now();
  const firstSeen = new Map<string, number>();
  let logged: { at: number; pids: string } | undefined;
  for (let poll = 1; ; poll++) {
    const holders = await db.withSession((s) => probe(s, relations, step.lock));
    const now = Date.now();
    for (const h of holders) if (!firstSeen.has(h.vxid)) firstSeen.set(h.vxid, now);
    const isLong = (h: LockHolder) =>
      h.pid === 0 || (h.ageMs ?? now - firstSeen.get(h.vxid)!) >= LONG_TRANSACTION_MS;
    const long = holders.filter(isLong);
    // A young holder on the first look may be a long transaction that just began (or one whose
    // age pg_stat_activity hides): look once more before asking for the lock.
    const unjudged = poll === 1 && holders.some((h) => !isLong(h));
    if (long.length === 0 && !unjudged) {
      if (logged)
        log(`${step.id}: the conflicting transactions ended after ${now - started} ms; taking the lock`);
      return { remaining: [] };
    }
    const blockers = long.map(asBlocker);
    if (now >= deadline) return { remaining: blockers };
    const pids = blockers.map((b) => b.pid).join(',');
    if (blockers.length > 0 && (!logged || logged.pids !== pids || now - logged.at >= LOG_EVERY_MS)) {
      log(
        `waiting for ${step.id} without queueing (${step.lock} on ${relations.map(displayName).join(', ')}; ` +
          `waited ${now - started} ms, at most ${Math.max(0, deadline - started)} ms): ` +
          blockers.map(runtime.formatBlocker).join('; '),
      );
      logged = { at: now, pids };
    }
    await sleep(Math.min(POLL_MS, deadline - now));
  }
}

const asBlocker = (h: LockHolder): Blocker => ({
  pid: h.pid,
  state: h.state,
  ageSeconds: h.ageMs === null ? null : Math.round(h.ageMs / 100) / 10,
  query: h.query,
});
