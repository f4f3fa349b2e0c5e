import type { Session } from '../../db.js';
import type { IndexBuildProgress } from '../runtime.js';

/** A running CREATE INDEX [CONCURRENTLY] of backend `pid`, from pg_stat_progress_create_index (PG >= 12). */
export async function pgIndexBuildProgress(
  session: Session,
  pid: number,
): Promise<IndexBuildProgress | undefined> {
  const [row] = await session.query<Record<string, string>>(
    `select phase, blocks_done, blocks_total, tuples_done, tuples_total
       from pg_stat_progress_create_index where pid = $1`,
    [pid],
  );
  if (!row) return undefined;
  return {
    phase: row.phase!,
    blocksDone: Number(row.blocks_done),
    blocksTotal: Number(row.blocks_total),
    tuplesDone: Number(row.tuples_done),
    tuplesTotal: Number(row.tuples_total),
  };
}
