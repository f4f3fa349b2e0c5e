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
