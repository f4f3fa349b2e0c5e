/** Defaults, documented in packages/core/README.md (Backfill). */
export const BACKFILL_DEFAULTS = {
  initialBatchSize: 1000,
  minBatchSize: 100,
  maxBatchSize: 50_000,
  targetBatchMs: 100,
  pauseMs: 0,
  maxReplicaLagMs: 5000,
  maxClientWaitMs: 40,
  lockTimeoutMs: 2000,
  maxRetries: 5,
} as const;
