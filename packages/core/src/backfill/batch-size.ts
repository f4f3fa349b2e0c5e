/**
 * Adapts the batch size toward a target duration: short batches grow, long ones shrink. Each
 * step is capped (x2 up, /2 down) so one slow batch (a checkpoint, a vacuum) does not collapse
 * the size, and the result stays within [min, max].
 */
import { InvalidArgumentError } from '../errors.js';
export interface BatchSizeBounds {
  readonly initial: number;
  readonly min: number;
  readonly max: number;
  readonly targetMs: number;
}

export function validateBounds(b: BatchSizeBounds): BatchSizeBounds {
  const ok = (n: number) => Number.isInteger(n) && n > 0;
  if (!ok(b.min) || !ok(b.max) || !ok(b.initial) || !(b.targetMs > 0) || b.min > b.max) {
    throw new InvalidArgumentError([
      {
        argument: 'backfill options minBatchSize / initialBatchSize / maxBatchSize / targetBatchMs',
        given: `min ${b.min}, initial ${b.initial}, max ${b.max}, target ${b.targetMs} ms`,
        allowed: 'positive integers with min <= max, and a positive target',
      },
    ]);
  }
  return { ...b, initial: clamp(b.initial, b.min, b.max) };
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

/** The next batch size after a batch of `rows` rows (asked for `limit`) took `ms`. */
export function nextBatchSize(bounds: BatchSizeBounds, limit: number, rows: number, ms: number): number {
  // A short final batch says nothing about speed; keep the size.
  if (rows < limit / 2 || ms <= 0) return limit;
  const factor = clamp(bounds.targetMs / ms, 0.5, 2);
  return Math.round(clamp(limit * factor, bounds.min, bounds.max));
}
