/**
 * How many of a backfill's key-range streams may run a batch at once, adapted to the application's
 * experience. Under load one stream gets one backend's share of the CPU (bench/results/
 * backfill-streams.md), so a second stream nearly doubles throughput; but every stream's row locks
 * are more places for the application to wait. Streams start at one. Every STEP_WINDOW batch
 * outcomes the share of yields (batches the impact guard cancelled because the application waited
 * on them) decides: few, one more stream may run; many, one fewer. A yield alone is the batch
 * size's signal (the loop halves it), not the stream count's: one stream under load yields on about
 * one batch in ten. No SQL here: the ranged runner (pg/ranged.ts) wraps every batch in `batch()`.
 */
export class StreamPacer {
  /** Streams allowed to run a batch now (1 … max). */
  #allowed = 1;
  #running = 0;
  /** Batch outcomes since the last step: committed, and yielded to the application. */
  #committed = 0;
  #yields = 0;
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
      this.#outcome(false);
      return result;
    } catch (error) {
      if (yielded(error)) this.#outcome(true);
      throw error;
    } finally {
      this.#running -= 1;
      this.#wake();
    }
  }

  #outcome(yielded: boolean): void {
    if (yielded) this.#yields += 1;
    else this.#committed += 1;
    const outcomes = this.#committed + this.#yields;
    if (outcomes < STEP_WINDOW) return;
    const share = this.#yields / outcomes;
    if (share > STEP_DOWN_YIELDS && this.#allowed > 1) {
      this.#allowed -= 1;
      this.#restart();
    } else if (share <= STEP_UP_YIELDS && this.#allowed < this.#max) {
      this.#allowed += 1;
      this.#restart();
      this.onStepUp(this.#allowed);
      this.#wake();
    } else if (outcomes >= 2 * STEP_WINDOW) {
      this.#restart(); // judge on recent batches only
    }
  }

  #restart(): void {
    this.#committed = 0;
    this.#yields = 0;
  }

  #wake(): void {
    for (let free = this.#allowed - this.#running; free > 0 && this.#waiting.length > 0; free--)
      this.#waiting.shift()!();
  }
}

/** Batch outcomes (all streams) judged together before a step (≈ 0.25–0.5 s at 50 ms batches). */
export const STEP_WINDOW = 10;
/** At most this share of yields lets one more stream in (one stream under load: about 0.1). */
export const STEP_UP_YIELDS = 0.15;
/** Above this share of yields one stream fewer runs. */
export const STEP_DOWN_YIELDS = 0.3;
