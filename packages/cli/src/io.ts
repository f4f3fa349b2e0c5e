/** Where a command writes: the process's streams, or buffers in tests. */
export interface Io {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

export const isTty = (stream: unknown) => Boolean((stream as { isTTY?: boolean }).isTTY);
