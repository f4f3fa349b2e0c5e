/** Rows per second over the last few seconds, so the ETA follows the current speed. */
export class RateWindow {
  private readonly samples: { at: number; rows: number }[] = [];
  constructor(private readonly windowMs = 5000) {}

  add(rows: number, at = performance.now()): void {
    this.samples.push({ at, rows });
    while (this.samples.length > 2 && at - this.samples[0]!.at > this.windowMs) this.samples.shift();
  }

  perSecond(): number | undefined {
    if (this.samples.length < 2) return undefined;
    const first = this.samples[0]!;
    const last = this.samples[this.samples.length - 1]!;
    const span = last.at - first.at;
    if (span <= 0) return undefined;
    const rows = this.samples.slice(1).reduce((a, s) => a + s.rows, 0);
    return (rows * 1000) / span;
  }
}
