import type { mongo } from 'mongoose';
import { isUnsupported } from '../server.js';

export interface IndexBuildProgress {
  readonly collection: string;
  readonly name: string;
  /** Documents (or keys) processed so far and the total, as the server's `currentOp` reports them. */
  readonly done: number | null;
  readonly total: number | null;
  /** The server's own phase text (`Index Build: scanning collection`). */
  readonly message: string | null;
}

/** What became of progress reporting for one build. */
export type ProgressOutcome =
  | { readonly available: true; readonly reports: number }
  | { readonly available: false; readonly reason: string };

/**
 * Polls `currentOp` for the build of `name` on `collection` until `stop()`, handing each report to
 * `onProgress`. A server that refuses `currentOp` (or never lists the build: it finished between
 * two polls, or the server builds without listing it, like FerretDB) makes progress unavailable,
 * with the reason.
 */
export function watchIndexBuild(
  db: mongo.Db,
  collection: string,
  name: string,
  onProgress: (p: IndexBuildProgress) => void,
  pollMs: number,
): { stop(): Promise<ProgressOutcome> } {
  let reports = 0;
  let refused: string | null = null;
  let stopped = false;
  const poll = async () => {
    while (!stopped && refused === null) {
      try {
        const { inprog } = await db.admin().command({
          currentOp: true,
          'command.createIndexes': collection,
          'command.indexes.name': name,
        });
        for (const op of inprog as Array<Record<string, unknown>>) {
          const p = op.progress as { done?: number; total?: number } | undefined;
          reports += 1;
          onProgress({
            collection,
            name,
            done: p?.done ?? null,
            total: p?.total ?? null,
            message: typeof op.msg === 'string' ? op.msg : null,
          });
        }
      } catch (error) {
        refused = isUnsupported(error)
          ? `the server refuses currentOp (${(error as Error).message.split('\n')[0]})`
          : `currentOp failed (${(error as Error).message.split('\n')[0]})`;
      }
      if (!stopped) await new Promise((r) => setTimeout(r, pollMs));
    }
  };
  const polling = poll();
  return {
    async stop() {
      stopped = true;
      await polling;
      if (refused !== null) return { available: false, reason: refused };
      if (reports === 0)
        return { available: false, reason: 'the server listed no build of it in currentOp while it ran' };
      return { available: true, reports };
    },
  };
}
