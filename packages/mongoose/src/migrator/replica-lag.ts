import type { Throttle } from '@ballast/core/adapter';
import type { mongo } from 'mongoose';

interface Member {
  readonly stateStr?: string;
  readonly optimeDate?: Date;
}

/**
 * Replication lag as the server reports it (`replSetGetStatus`): how far the slowest secondary's
 * last applied write trails the primary's. `{ unavailable }` when the server has no replica set
 * (a standalone, or FerretDB, which refuses the command): the throttle then never waits.
 */
export async function replicaLagMs(db: mongo.Db): Promise<{ lagMs: number } | { unavailable: string }> {
  let status: { members?: readonly Member[] };
  try {
    status = await db.admin().command({ replSetGetStatus: 1 });
  } catch (error) {
    return { unavailable: `replSetGetStatus refused: ${(error as Error).message}` };
  }
  const members = status.members ?? [];
  const primary = members.find((m) => m.stateStr === 'PRIMARY')?.optimeDate;
  if (!primary) return { unavailable: 'no PRIMARY in replSetGetStatus' };
  const secondaries = members.filter((m) => m.stateStr === 'SECONDARY' && m.optimeDate);
  const lag = Math.max(0, ...secondaries.map((m) => primary.getTime() - m.optimeDate!.getTime()));
  return { lagMs: lag };
}

/** Waits while replication lag exceeds `maxLagMs`; silent when the server reports no lag. */
export function mongoReplicaLagThrottle(db: mongo.Db, maxLagMs: number): Throttle {
  let unavailable = false;
  return async () => {
    if (unavailable) return undefined;
    const lag = await replicaLagMs(db);
    if ('unavailable' in lag) {
      unavailable = true; // asked once per run: a standalone does not grow replicas mid-run
      return undefined;
    }
    if (lag.lagMs <= maxLagMs) return undefined;
    return {
      waitMs: Math.min(5000, Math.max(250, lag.lagMs - maxLagMs)),
      reason: `replica lag ${(lag.lagMs / 1000).toFixed(1)} s > ${(maxLagMs / 1000).toFixed(1)} s`,
    };
  };
}
