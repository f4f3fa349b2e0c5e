import { errorKind } from '../dialects/runtime-of.js';
import { type RetryOptions, RUN_DEFAULTS } from './options.js';

/** The lock timeout expired (or NOWAIT), on any dialect (runtime.classifyError). */
export const isLockTimeout = (error: unknown) => errorKind(error) === 'lock-timeout';

/**
 * The server rolled our step back to break a lock cycle with another session. The other side
 * goes on; the step can simply run again, like after a lock timeout.
 */
export const isDeadlock = (error: unknown) => errorKind(error) === 'deadlock';

export function retrySettings(options: RetryOptions = {}) {
  return {
    maxAttempts: Math.max(1, options.maxAttempts ?? RUN_DEFAULTS.retry.maxAttempts),
    baseDelayMs: Math.max(0, options.baseDelayMs ?? RUN_DEFAULTS.retry.baseDelayMs),
    maxDelayMs: Math.max(0, options.maxDelayMs ?? RUN_DEFAULTS.retry.maxDelayMs),
  };
}

/**
 * Capped exponential backoff with full jitter: uniform in [0, min(max, base * 2^(attempt-1))].
 * The randomness keeps several migrators (or retries and the blocker's own retries) from
 * colliding again at the same instant.
 */
export function backoffDelayMs(
  attempt: number,
  settings: ReturnType<typeof retrySettings>,
  random = Math.random,
): number {
  const cap = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}

/**
 * The longest the attempts of one step can take: every lock_timeout plus every backoff at its cap.
 * Waiting for long conflicting transactions before the attempts (lock-wait.ts) shares this budget,
 * so a step never gives up later than it would have by retrying alone.
 */
export function retryBudgetMs(settings: ReturnType<typeof retrySettings>, lockTimeoutMs: number): number {
  let total = settings.maxAttempts * lockTimeoutMs;
  for (let attempt = 1; attempt < settings.maxAttempts; attempt++) {
    total += Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempt - 1));
  }
  return total;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
