import { connect, type Dialect, dialectOf, quoteIdent, type SqlConnection } from './sql-clients.js';
import { type LatencyStats, latencyStats, nowMs } from './stats.js';

/** One application query as the client saw it. Times are epoch milliseconds (sub-ms precision). */
export interface QueryRecord {
  readonly client: number;
  readonly kind: string;
  readonly start: number;
  readonly end: number;
  readonly latencyMs: number;
  readonly error?: string;
  /** SQLSTATE (postgres) or error code (mysql) when the query failed. */
  readonly code?: string;
}

export interface WorkloadContext {
  readonly client: number;
  readonly dialect: Dialect;
  /** Uniform integer in [1, n]. */
  randomInt(n: number): number;
}

export interface WorkloadQuery {
  readonly sql: string;
  readonly params?: readonly unknown[];
}

/** Named query generators and their relative weights. */
export interface Workload {
  readonly queries: Readonly<Record<string, (ctx: WorkloadContext) => WorkloadQuery>>;
  readonly weights: Readonly<Record<string, number>>;
}

export interface TrafficOptions {
  readonly url: string;
  /** The table the default workload reads and writes (see createTrafficTable). */
  readonly table?: string;
  /** Rows the table started with: reads and updates pick ids in [1, rows]. */
  readonly rows?: number;
  readonly clients?: number;
  /** Pause between one client's queries; 0 drives the server as hard as it goes. */
  readonly thinkMs?: number;
  readonly workload?: Workload;
}

export interface TrafficReport {
  readonly queries: readonly QueryRecord[];
  readonly errors: readonly QueryRecord[];
  readonly startedAt: number;
  readonly stoppedAt: number;
  readonly stats: LatencyStats;
  readonly byKind: Readonly<Record<string, LatencyStats>>;
  readonly marks: readonly { label: string; at: number }[];
  /** Stats of the queries that were running at any moment inside [from, to]. */
  between(from: number, to: number): LatencyStats;
  /** A few lines for test failure messages and logs. */
  summary(): string;
}

export interface Traffic {
  /** Records a labelled instant (e.g. "migration start") for later slicing. */
  mark(label: string): number;
  /** Queries completed so far (for waiting until traffic is warm). */
  completed(): number;
  /** Server-side ids of the clients' connections (to find them in the server's session list). */
  readonly sessionIds: readonly number[];
  /** Stops the clients after their in-flight query ends and returns everything they saw. */
  stop(): Promise<TrafficReport>;
}

export function defaultWorkload(table: string, dialect: Dialect, rows: number): Workload {
  const t = quoteIdent(dialect, table);
  const now = dialect === 'postgres' ? 'now()' : 'current_timestamp(6)';
  return {
    weights: { read: 6, insert: 2, update: 2 },
    queries: {
      read: (c) => ({ sql: `select * from ${t} where id = $1`, params: [c.randomInt(rows)] }),
      insert: (c) => ({
        sql: `insert into ${t} (account_id, payload, amount) values ($1, $2, $3)`,
        params: [c.randomInt(1000), `client ${c.client}`, c.randomInt(100)],
      }),
      update: (c) => ({
        sql: `update ${t} set amount = amount + 1, updated_at = ${now} where id = $1`,
        params: [c.randomInt(rows)],
      }),
    },
  };
}

/** Creates the table the default workload expects, filled with `rows` rows in one statement. */
export async function createTrafficTable(url: string, table: string, rows: number): Promise<void> {
  const conn = await connect(url);
  try {
    const t = quoteIdent(conn.dialect, table);
    if (conn.dialect === 'postgres') {
      await conn.query(`create table ${t} (
        id bigserial primary key, account_id int not null, payload text, amount int not null default 0,
        updated_at timestamptz not null default now())`);
      await conn.query(
        `insert into ${t} (account_id, payload, amount)
         select g % 1000, 'row ' || g, g % 100 from generate_series(1, $1::int) g`,
        [rows],
      );
      await conn.query(`analyze ${t}`);
    } else {
      await conn.query(`create table ${t} (
        id bigint auto_increment primary key, account_id int not null, payload varchar(200),
        amount int not null default 0, updated_at timestamp(6) not null default current_timestamp(6))`);
      // MariaDB's sequence engine makes N rows in one statement; MySQL has no seq_ tables.
      const [row] = await conn.query<{ v: string }>('select version() as v');
      const v = row?.v ?? '';
      const source = /mariadb/i.test(v)
        ? `seq_1_to_${Math.max(1, Math.floor(rows))}`
        : `(with recursive s(seq) as (select 1 union all select seq + 1 from s where seq < ${Math.floor(rows)}) select seq from s) s`;
      if (!/mariadb/i.test(v))
        await conn.query(`set session cte_max_recursion_depth = ${Math.floor(rows) + 1}`);
      await conn.query(
        `insert into ${t} (account_id, payload, amount) select seq % 1000, concat('row ', seq), seq % 100 from ${source}`,
      );
      await conn.query(`analyze table ${t}`);
    }
  } finally {
    await conn.close();
  }
}

function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; errno?: unknown };
  if (typeof e.code === 'string') return e.code;
  return typeof e.errno === 'number' ? String(e.errno) : undefined;
}

function pickWeighted(weights: Readonly<Record<string, number>>, r: number): string {
  const entries = Object.entries(weights).filter(([, w]) => w > 0);
  const total = entries.reduce((a, [, w]) => a + w, 0);
  let x = r * total;
  for (const [kind, w] of entries) {
    x -= w;
    if (x < 0) return kind;
  }
  return entries[entries.length - 1]![0];
}

/**
 * Starts N application clients, each on its own connection, looping over a weighted mix of
 * queries until stop(). Every query's start, end and error is kept: zero-downtime claims are
 * asserted on these records, not on averages.
 */
export async function startTraffic(options: TrafficOptions): Promise<Traffic> {
  const dialect = dialectOf(options.url);
  const clients = options.clients ?? 4;
  const thinkMs = options.thinkMs ?? 2;
  const workload =
    options.workload ??
    defaultWorkload(
      options.table ??
        (() => {
          throw new Error('startTraffic needs `table` or `workload`');
        })(),
      dialect,
      options.rows ?? 1000,
    );
  const connections: SqlConnection[] = await Promise.all(
    Array.from({ length: clients }, () => connect(options.url)),
  );
  const records: QueryRecord[] = [];
  const marks: { label: string; at: number }[] = [];
  let stopping = false;
  const startedAt = nowMs();

  const loops = connections.map(async (conn, client) => {
    const ctx: WorkloadContext = { client, dialect, randomInt: (n) => 1 + Math.floor(Math.random() * n) };
    while (!stopping) {
      const kind = pickWeighted(workload.weights, Math.random());
      const q = workload.queries[kind]!(ctx);
      const start = nowMs();
      try {
        await conn.query(q.sql, q.params ?? []);
        const end = nowMs();
        records.push({ client, kind, start, end, latencyMs: end - start });
      } catch (error) {
        const end = nowMs();
        const code = errorCode(error);
        records.push({
          client,
          kind,
          start,
          end,
          latencyMs: end - start,
          error: (error as Error).message,
          ...(code ? { code } : {}),
        });
      }
      if (thinkMs > 0) await new Promise((r) => setTimeout(r, thinkMs));
    }
  });

  return {
    mark: (label) => {
      const at = nowMs();
      marks.push({ label, at });
      return at;
    },
    completed: () => records.length,
    sessionIds: connections.map((c) => c.sessionId),
    stop: async () => {
      stopping = true;
      await Promise.all(loops);
      await Promise.all(connections.map((c) => c.close().catch(() => {})));
      return buildReport(records, marks, startedAt, nowMs());
    },
  };
}

function statsOf(queries: readonly QueryRecord[], spanMs: number): LatencyStats {
  return latencyStats(
    queries.map((q) => q.latencyMs),
    queries.filter((q) => q.error !== undefined).length,
    spanMs,
  );
}

export function buildReport(
  queries: readonly QueryRecord[],
  marks: readonly { label: string; at: number }[],
  startedAt: number,
  stoppedAt: number,
): TrafficReport {
  const kinds = [...new Set(queries.map((q) => q.kind))];
  const stats = statsOf(queries, stoppedAt - startedAt);
  const errors = queries.filter((q) => q.error !== undefined);
  return {
    queries,
    errors,
    startedAt,
    stoppedAt,
    stats,
    marks,
    byKind: Object.fromEntries(
      kinds.map((k) => [
        k,
        statsOf(
          queries.filter((q) => q.kind === k),
          stoppedAt - startedAt,
        ),
      ]),
    ),
    between: (from, to) =>
      statsOf(
        queries.filter((q) => q.end >= from && q.start <= to),
        to - from,
      ),
    summary: () => {
      const f = (n: number) => n.toFixed(1);
      const firstErrors = errors.slice(0, 5).map((e) => `  [${e.kind}] ${e.code ?? ''} ${e.error}`);
      return [
        `${stats.count} queries, ${stats.errors} errors, p50 ${f(stats.p50)} ms, p99 ${f(stats.p99)} ms, max ${f(stats.max)} ms, ${f(stats.tps)} tps`,
        ...firstErrors,
      ].join('\n');
    },
  };
}
