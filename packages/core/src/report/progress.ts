/**
 * Progress for long operations (backfills, index builds), in one place: a bar with ETA on a TTY,
 * one JSON object per line otherwise (so CI logs and other tools can read it).
 */
export interface ProgressEvent {
  readonly operation: string;
  readonly target: string;
  readonly done: number;
  /** Estimated total; undefined when unknown. */
  readonly total?: number;
  /** Units per second over the recent window. */
  readonly rate?: number;
  readonly etaSeconds?: number;
  readonly phase?: string;
}

export interface ProgressReporter {
  update(event: ProgressEvent): void;
  finish(event: ProgressEvent & { readonly message?: string }): void;
}

export const silentProgress: ProgressReporter = { update() {}, finish() {} };

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}

export function renderBar(event: ProgressEvent, width = 30): string {
  const ratio = event.total ? Math.min(1, event.done / event.total) : 0;
  const filled = Math.round(ratio * width);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  const pct = event.total ? `${(ratio * 100).toFixed(1).padStart(5)}%` : '     ?';
  const rate = event.rate !== undefined ? ` ${Math.round(event.rate).toLocaleString('en-US')}/s` : '';
  const eta = event.etaSeconds !== undefined ? ` ETA ${formatDuration(event.etaSeconds)}` : '';
  const total = event.total !== undefined ? `/${event.total.toLocaleString('en-US')}` : '';
  return `${event.operation} ${event.target} ${bar} ${pct} ${event.done.toLocaleString('en-US')}${total}${rate}${eta}`;
}

/** Chooses the bar on a TTY and JSON lines elsewhere. */
export function consoleProgress(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (stream.isTTY) {
    let last = 0;
    return {
      update(event) {
        const now = Date.now();
        if (now - last < 100) return; // redraw at most 10 times a second
        last = now;
        stream.write(`\r\x1b[2K${renderBar(event, Math.max(10, Math.min(30, (stream.columns ?? 80) - 70)))}`);
      },
      finish(event) {
        stream.write(`\r\x1b[2K${renderBar(event)}${event.message ? ` ${event.message}` : ''}\n`);
      },
    };
  }
  return {
    update(event) {
      stream.write(`${JSON.stringify({ event: 'progress', ...event })}\n`);
    },
    finish(event) {
      stream.write(`${JSON.stringify({ event: 'done', ...event })}\n`);
    },
  };
}
