import type { PauseRecord, Throttle, ThrottleContext } from './types.js';

/** Resolves after `ms`, or early (false) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Asks every throttle in turn; while one asks to wait, waits and asks again. Returns the pauses
 * it made (false-y `go` when the signal aborted during a pause).
 */
export async function waitForThrottles(
  throttles: readonly Throttle[],
  context: ThrottleContext,
  signal: AbortSignal | undefined,
  onPause: (pause: PauseRecord) => void,
): Promise<boolean> {
  for (;;) {
    let advice: Awaited<ReturnType<Throttle>>;
    for (const throttle of throttles) {
      advice = await throttle(context);
      if (advice && advice.waitMs > 0) break;
    }
    if (!advice || advice.waitMs <= 0) return true;
    onPause({ reason: advice.reason, waitMs: advice.waitMs, afterBatch: context.batches });
    if (!(await sleep(advice.waitMs, signal))) return false;
  }
}

/**
 * How often a built-in throttle takes its reading (replica lag, server load) while the reading lets
 * batches go. Each reading is a round trip, and batches of tens of ms would otherwise pay one each;
 * lag and load move on the scale of seconds (pt-online-schema-change's --check-interval is 1 s).
 */
export const THROTTLE_CHECK_MS = 1000;

/** A throttle asked again only `ms` after it last let the batches go; while it holds them, every time. */
export function atMostEvery(ms: number, throttle: Throttle): Throttle {
  let clearUntil = 0;
  return async (context) => {
    if (performance.now() < clearUntil) return undefined;
    const advice = await throttle(context);
    if (!advice) clearUntil = performance.now() + ms;
    return advice;
  };
}

/**
 * Waits while the replica lag `readLag` reports exceeds `maxLagMs`, so the backfill's write volume
 * never leaves read replicas serving stale data. Read at most once a second while within bounds.
 */
export function replicaLagThrottleOf(maxLagMs: number, readLag: () => Promise<number>): Throttle {
  return atMostEvery(THROTTLE_CHECK_MS, async () => {
    const lag = await readLag();
    if (lag <= maxLagMs) return undefined;
    return {
      waitMs: Math.min(5000, Math.max(250, lag - maxLagMs)),
      reason: `replica lag ${(lag / 1000).toFixed(1)} s > ${(maxLagMs / 1000).toFixed(1)} s`,
    };
  });
}
