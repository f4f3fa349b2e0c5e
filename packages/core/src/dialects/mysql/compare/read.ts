import type { Session } from '../../../db.js';

/** A table that does not exist has no conflicting object: the step itself will say it is missing. */
export function noSuchTable(error: unknown): undefined {
  if ((error as { errno?: unknown } | null)?.errno === 1146) return undefined;
  throw error;
}

/** MySQL compares column and index names without case: so do the comparisons. */
export const sameNames = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((n, i) => n.toLowerCase() === b[i]!.toLowerCase());

/** The connection's database: what an unqualified table name means. */
export async function currentDatabase(session: Session): Promise<string> {
  const [row] = await session.query<{ db: string | null }>('select database() as db');
  return row?.db ?? '';
}
