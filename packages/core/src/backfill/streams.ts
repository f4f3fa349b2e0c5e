/**
 * How many of a backfill's key-range streams may run a batch at once, adapted to the application's
 * experience. Under load one stream gets one backend's share of the CPU (bench/results/
 * backfill-streams.md), so a second stream nearly doubles throughput; but every stream's row locks
 * are more places for the application to wait. Streams start at one and are let in one more at a
 * time while batches commit without making anybody wait; a batch the impact guard cancelled
 * (the application waited on it) takes one stream out again. No SQL here: the ranged runner
 * (pg/ranged.ts) wraps every batch in `batch()`.
 */
export class StreamPacer {
  /** Streams allowed to run a batch now (1 … max). */
  #allowed = 1;
  #running = 0;
  /** Batches committed since the last yield or the last step up. */
  #calm = 0;
  #max: number;
  #peak = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(
    max: number,
    /** Called when one more stream may run (the runner starts a stream if it has fewer). */
    private readonly onStepUp: (allowed: number) => void = () => {},
  ) {
    this.#max = Math.max(1, max);
  }

  get allowed(): number {
    return this.#allowed;
  }

  /** The most batches that ran at once. */
  get peak(): number {
    return this.#peak;
  }

  /** No more than `n` streams from now on (e.g. the pool had no connection for another). */
  cap(n: number): void {
    this.#max = Math.max(1, Math.min(this.#max, n));
    this.#allowed = Math.min(this.#allowed, this.#max);
  }

  /**
   * Runs one batch once a stream slot is free. `yielded(error)` tells a batch that gave its locks
   * to waiting application sessions from any other failure.
   */
  async batch<T>(run: () => Promise<T>, yielded: (error: unknown) => boolean): Promise<T> {
    while (this.#running >= this.#allowed) await new Promise<void>((go) => this.#waiting.push(go));
    this.#running += 1;
    this.#peak = Math.max(this.#peak, this.#running);
    try {
      const result = await run();
      this.#committed();
      return result;
    } catch (error) {
      if (yielded(error)) this.#yielded();
      throw error;
    } finally {
      this.#running -= 1;
      this.#wake();
    }
  }

  #committed(): void {
    this.#calm += 1;
    if (this.#calm < CALM_BATCHES_PER_STEP || this.#allowed >= this.#max) return;
    this.#calm = 0;
    this.#allowed += 1;
    this.onStepUp(this.#allowed);
    this.#wake();
  }

  #yielded(): void {
    this.#calm = 0;
    if (this.#allowed > 1) this.#allowed -= 1;
  }

  #wake(): void {
    for (let free = this.#allowed - this.#running; free > 0 && this.#waiting.length > 0; free--)
      this.#waiting.shift()!();
  }
}

/** Committed batches, without a yield, before one more stream is let in (≈ 1 s at 100 ms batches). */
export const CALM_BATCHES_PER_STEP = 10;
