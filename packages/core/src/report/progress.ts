/**
 * Progress for long operations (backfills, index builds, backup copies and restores), in one
 * place: a bar with ETA on a TTY, human lines elsewhere (CI logs), and one JSON object per line
 * when asked (`json: true`, or BALLAST_PROGRESS=json in the environment) for other tools.
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
  /** What `done` counts, in finished lines; default rows (MongoDB: documents). */
  readonly unit?: string;
}

export interface FinishEvent extends ProgressEvent {
  readonly message?: string;
  /** Set when the operation failed: rendered as an error (JSON `event: "error"`), never as done. */
  readonly error?: string;
}

export interface ProgressReporter {
  update(event: ProgressEvent): void;
  finish(event: FinishEvent): void;
}

export const silentProgress: ProgressReporter = { update() {}, finish() {} };

/**
 * `reporter` with every event named `operation`: a backup copy or restore running on the batch
 * loop says so. With `unit` (e.g. documents), finished lines count that instead of rows.
 */
export function reportAs(
  operation: string,
  reporter: ProgressReporter | undefined,
  unit?: string,
): ProgressReporter | undefined {
  const named = <E extends ProgressEvent>(event: E): E => ({
    ...event,
    operation,
    ...(unit ? { unit } : {}),
  });
  return (
    reporter && {
      update: (event) => reporter.update(named(event)),
      finish: (event) =>
        reporter.finish({
          ...named(event),
          ...(unit && event.message ? { message: event.message.replace(/\brows\b/g, unit) } : {}),
        }),
    }
  );
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

export function renderBar(event: ProgressEvent, width = 30): string {
  const ratio = event.total ? Math.min(1, event.done / event.total) : 0;
  const filled = Math.round(ratio * width);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  const pct = event.total ? `${(ratio * 100).toFixed(1).padStart(5)}%` : '     ?';
  const rate = event.rate !== undefined ? ` ${count(event.rate)}/s` : '';
  const eta = event.etaSeconds !== undefined ? ` ETA ${formatDuration(event.etaSeconds)}` : '';
  const total = event.total !== undefined ? `/${count(event.total)}` : '';
  return `${event.operation} ${event.target} ${bar} ${pct} ${count(event.done)}${total}${rate}${eta}`;
}

/** One human line: `backfill public.users: 12,000/50,000 (24%), 3,400/s, ETA 0m11s [paused: …]`. */
export function renderLine(event: ProgressEvent): string {
  const pct = event.total ? ` (${Math.floor(Math.min(1, event.done / event.total) * 100)}%)` : '';
  const total = event.total !== undefined ? `/${count(event.total)}` : '';
  const rate = event.rate !== undefined ? `, ${count(event.rate)}/s` : '';
  const eta = event.etaSeconds !== undefined ? `, ETA ${formatDuration(event.etaSeconds)}` : '';
  const phase = event.phase && event.phase !== 'running' ? ` [${event.phase}]` : '';
  return `${event.operation} ${event.target}: ${count(event.done)}${total}${pct}${rate}${eta}${phase}`;
}

/** What a finished operation did, in words (a restore says it restored, not "done 1/1"). */
const FINISHED: Readonly<Record<string, (e: FinishEvent) => string>> = {
  restore: (e) => `restored ${count(e.done)} ${e.unit ?? 'rows'} of ${e.target} from its backup`,
  backup: (e) => `backed up ${count(e.done)} ${e.unit ?? 'rows'} of ${e.target}`,
};

export function renderFinish(event: FinishEvent): string {
  if (event.error) return `${event.operation} ${event.target}: failed: ${event.error}`;
  const words = FINISHED[event.operation]?.(event);
  if (words) return event.message ? `${words} (${event.message})` : words;
  return `${event.operation} ${event.target}: ${event.message ?? `done, ${count(event.done)}`}`;
}

/** Human lines at most this often (phase changes, e.g. paused, print at once). */
const LINE_INTERVAL_MS = 5000;

export interface ConsoleProgressOptions {
  /** JSON lines instead of text. Default: true when BALLAST_PROGRESS=json. */
  readonly json?: boolean;
}

/** A bar on a TTY, human lines elsewhere, JSON lines when asked. */
export function consoleProgress(
  stream: NodeJS.WriteStream = process.stderr,
  options: ConsoleProgressOptions = {},
): ProgressReporter {
  if (options.json ?? process.env.BALLAST_PROGRESS === 'json') return jsonLines(stream);
  return stream.isTTY ? bar(stream) : humanLines(stream);
}

function jsonLines(stream: NodeJS.WritableStream): ProgressReporter {
  return {
    update(event) {
      stream.write(`${JSON.stringify({ event: 'progress', ...event })}\n`);
    },
    finish(event) {
      stream.write(`${JSON.stringify({ event: event.error ? 'error' : 'done', ...event })}\n`);
    },
  };
}

function humanLines(stream: NodeJS.WritableStream): ProgressReporter {
  let last = Number.NEGATIVE_INFINITY;
  let lastPhase: string | undefined;
  return {
    update(event) {
      const now = Date.now();
      if (now - last < LINE_INTERVAL_MS && event.phase === lastPhase) return;
      [last, lastPhase] = [now, event.phase];
      stream.write(`${renderLine(event)}\n`);
    },
    finish(event) {
      stream.write(`${renderFinish(event)}\n`);
    },
  };
}

function bar(stream: NodeJS.WriteStream): ProgressReporter {
  let last = 0;
  return {
    update(event) {
      const now = Date.now();
      if (now - last < 100) return; // redraw at most 10 times a second
      last = now;
      stream.write(`\r\x1b[2K${renderBar(event, Math.max(10, Math.min(30, (stream.columns ?? 80) - 70)))}`);
    },
    finish(event) {
      stream.write(`\r\x1b[2K${renderFinish(event)}\n`);
    },
  };
}
