/**
 * Runs `tick` every `intervalMs` beside a running statement until stop(); stop() returns at once
 * (the pending sleep is cancelled) after any tick in flight. Tick errors are swallowed: a watcher
 * only explains or reports, it must never fail the step it watches.
 */
export function startPoller(intervalMs: number, tick: () => Promise<void>): { stop(): Promise<void> } {
  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const loop = (async () => {
    while (!stopped) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, intervalMs);
      });
      if (stopped) break;
      await tick().catch(() => {});
    }
  })();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}
