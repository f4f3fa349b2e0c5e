import type { Database, Session } from '../../db.js';
import { BallastError } from '../../errors.js';
import { sleep } from '../throttle.js';

/**
 * A batch's row locks make every application write to those rows wait until the batch commits, so
 * a long batch on a busy table is a stall for the application, however right its size is for
 * throughput. The guard bounds that wait: while a batch runs, a second connection looks every
 * half budget for sessions waiting on the batch's backend; at the first one it cancels the batch's
 * statement. The batch and its checkpoint advance are one transaction, so nothing is lost but the
 * batch's own work: the waiters go on at once, and the loop retries the batch smaller
 * (`BatchYielded`). A table nobody writes to sees no waiter and keeps long, efficient batches.
 */
export class BatchYielded extends BallastError {
  override readonly name = 'BatchYielded';
  constructor(
    readonly target: string,
    readonly waiters: number,
  ) {
    super(`a backfill batch on ${target} yielded its row locks to ${waiters} waiting session(s)`, {
      where: target,
      hint: 'internal: the batch loop retries the batch smaller; nothing to do',
    });
  }
}

export interface ImpactGuard {
  /** Runs one batch on the job's session under watch; a cancel by the guard becomes BatchYielded. */
  watch<T>(batch: () => Promise<T>): Promise<T>;
}

/** No second connection, or a budget of 0: batches run unwatched. */
const UNWATCHED: ImpactGuard = { watch: (batch) => batch() };

/**
 * Finds the sessions waiting on a lock held by `$1` (the batch's backend) and, when there is one
 * and that backend is still running a statement, cancels it — in one statement, so a batch that
 * just finished is not cancelled in its place (between statements the backend is not `active`).
 */
const LOOK_AND_CANCEL = `
  select w.waiters::int as waiters, w.waiters > 0 and pg_cancel_backend(b.pid) as cancelled
    from pg_stat_activity b,
         lateral (select count(*) as waiters
                    from pg_stat_activity a
                   where a.wait_event_type = 'Lock' and a.pid <> $1
                     and $1 = any(pg_blocking_pids(a.pid))) w
   where b.pid = $1 and b.state = 'active'`;

/**
 * Runs `fn` with an impact guard for the job whose batches run on `jobSession`. The guard's
 * connection is taken from the pool only if one is free within a second (a one-connection pool,
 * or one the application exhausts, leaves batches unwatched, and `onUnwatched` says so).
 */
export async function withImpactGuard<T>(
  db: Database,
  jobSession: Session,
  target: string,
  budgetMs: number,
  onUnwatched: (why: string) => void,
  fn: (guard: ImpactGuard) => Promise<T>,
): Promise<T> {
  if (budgetMs <= 0) return fn(UNWATCHED);
  const [{ pid }] = (await jobSession.query<{ pid: number }>('select pg_backend_pid() as pid')) as [
    { pid: number },
  ];
  // Set once the job ran out of patience for the connection, or ended: a connection the pool hands
  // over after that goes straight back (holding it unused would starve the pool).
  let givenUp = false;
  let monitor: (session: Session | undefined) => void = () => {};
  const gotMonitor = new Promise<Session | undefined>((resolve) => {
    monitor = resolve;
    setTimeout(() => {
      givenUp = true;
      resolve(undefined);
    }, 1000).unref();
  });
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  // The pooled session stays checked out until the job ends (released by `held`).
  const pooled = db
    .withSession(async (session) => {
      if (givenUp) return;
      monitor(session);
      await held;
    })
    .catch(() => monitor(undefined));
  const session = await gotMonitor;
  try {
    if (!session) {
      onUnwatched('no second connection was free within 1 s');
      return await fn(UNWATCHED);
    }
    return await fn(guardOn(session, pid, target, budgetMs));
  } finally {
    givenUp = true;
    release();
    // A request still queued in the pool gets its connection only once the job's is released:
    // waiting for it here would wait for ourselves. It returns the connection at once (givenUp).
    if (session) await pooled;
  }
}

function guardOn(monitor: Session, pid: number, target: string, budgetMs: number): ImpactGuard {
  const everyMs = Math.max(5, budgetMs / 2);
  return {
    async watch(batch) {
      const stop = new AbortController();
      let yieldedTo = 0;
      const watching = (async () => {
        while (await sleep(everyMs, stop.signal)) {
          const [row] = await monitor
            .query<{ waiters: number; cancelled: boolean | null }>(LOOK_AND_CANCEL, [pid])
            .catch(() => []);
          if (row?.cancelled) {
            yieldedTo = row.waiters;
            return;
          }
        }
      })();
      const settle = async () => {
        stop.abort();
        await watching;
      };
      try {
        const result = await batch();
        await settle();
        return result;
      } catch (error) {
        // The cancel can reach the batch before the look that sent it has returned: wait for it.
        await settle();
        if (yieldedTo > 0 && (error as { code?: string })?.code === '57014') {
          throw new BatchYielded(target, yieldedTo);
        }
        throw error;
      }
    },
  };
}
