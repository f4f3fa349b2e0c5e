import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type PgBoss from 'pg-boss';
import type { Database, Session } from '../../db.js';
import { docPath } from '../../docs.js';
import { MissingDependencyError } from '../../errors.js';

/** Every range of every distributed backfill is one job of this pg-boss queue. */
export const QUEUE = 'ballast-backfill-range';

/** What a queued job carries: which distributed job, which range. */
export interface RangeJobData {
  readonly job: string;
  readonly range: number;
}

export interface QueueSettings {
  /** pg-boss `expireInSeconds`: a range held longer than this by a silent worker is given to another. */
  readonly leaseSeconds: number;
  /** Retries of a range (after a lease expiry, a worker stop or a failed batch). */
  readonly retryLimit: number;
}

export const QUEUE_DEFAULTS: QueueSettings = { leaseSeconds: 900, retryLimit: 100 };

/**
 * pg-boss is an optional peer dependency: only distributed backfills load it, so projects that
 * never use them need not install it.
 */
export function loadPgBoss(where: string): typeof PgBoss {
  try {
    return createRequire(import.meta.url)('pg-boss') as typeof PgBoss;
  } catch (error) {
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new MissingDependencyError(`${where} needs the job queue pg-boss, which is not installed`, {
      where,
      hint: `install it in your project: npm install pg-boss@10 (see ${docPath('distributed-backfill.md')})`,
    });
  }
}

/** pg-boss on the caller's Database (one pool, the caller's credentials): each statement on a pooled session. */
export const databaseExecutor = (db: Database): PgBoss.Db => ({
  executeSql: (text, values) => db.withSession((s) => sessionExecutor(s).executeSql(text, values)),
});

/** pg-boss on one session, e.g. inside the caller's open transaction (transactional enqueue). */
export const sessionExecutor = (session: Session): PgBoss.Db => ({
  // A multi-statement text (pg-boss's own migrations) has no `rows`: report none.
  executeSql: async (text, values) => ({ rows: (await session.query(text, values ?? [])) ?? [] }),
});

/** A started pg-boss on `db` whose range queue exists (created once, idempotently). */
export async function startQueue(
  db: Database,
  settings: QueueSettings,
  options: Partial<PgBoss.ConstructorOptions> = {},
): Promise<PgBoss> {
  const Boss = loadPgBoss('distributed backfill');
  const boss = new Boss({ db: databaseExecutor(db), schedule: false, supervise: false, ...options });
  await boss.start();
  if (!(await boss.getQueue(QUEUE))) {
    await boss
      .createQueue(QUEUE, {
        name: QUEUE,
        policy: 'standard',
        retryLimit: settings.retryLimit,
        retryDelay: 0,
        expireInSeconds: settings.leaseSeconds,
      })
      .catch(async (error) => {
        // Another worker created it first.
        if (!(await boss.getQueue(QUEUE))) throw error;
      });
  }
  return boss;
}

/**
 * The queue id of range `range` in `generation` of `job`: enqueueing the same plan twice
 * (a rerun of the start, two deploys racing) inserts nothing the second time.
 */
export function rangeJobId(job: string, generation: number, range: number): string {
  const h = createHash('sha256')
    .update(JSON.stringify([job, generation, range]))
    .digest('hex');
  // Shaped as a version-4 UUID (pg-boss ids are uuid).
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((Number.parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
