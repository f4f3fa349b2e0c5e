/** A started test server, whichever way it was started (env URL, container, local process). */
export interface RunningServer {
  /** Connection URL of the server's maintenance database / root account. */
  readonly url: string;
  /** Where it came from: an env URL, a container or a local process. */
  readonly source: string;
  /** Human-readable server version, e.g. "PostgreSQL 15.18". */
  readonly version: string;
  stop(): Promise<void>;
}
