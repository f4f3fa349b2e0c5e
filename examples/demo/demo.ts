/**
 * `pnpm demo` — Ballast against the SQL you would write, under live traffic, in under a minute.
 *
 * Starts an embedded PostgreSQL 18 (binaries shipped on npm, nothing to install), fills two
 * identical tables, and runs three acts with the same application clients and the same
 * long-running report query holding a read lock: idle, Ballast adding a NOT NULL column with a
 * default and an index, then the naive ALTER TABLE / CREATE INDEX. Prints a side-by-side table.
 */
import {
  consoleProgress,
  planAddColumn,
  planCreateIndex,
  postgresDatabaseFromUrl,
  readServerInfo,
  runPlan,
} from '@ballast/core';
import { quoteIdent } from '@ballast/core/adapter';
import {
  connect,
  createRunDir,
  createTrafficTable,
  findPgBinaries,
  nowMs,
  type RunningServer,
  startLocalPostgres,
  startTraffic,
} from '@ballast/testkit';
import { type Act, printResults } from './results.js';
import { playScene } from './scene.js';

const ROWS = 200_000;
const CLIENTS = 8;
const LOCK_TIMEOUT_MS = 200;
const READER_HOLD_MS = 2_000;
const WARMUP_MS = 1_000;

const say = (line: string) => process.stdout.write(`${line}\n`);
const step = (line: string) => say(`\n▶ ${line}`);

let server: RunningServer | undefined;
let interruptedBy: number | undefined;
let stopped: Promise<void> | undefined;
/** Every exit path goes through here, and waits for the same shutdown of the server. */
async function stop(code: number): Promise<never> {
  stopped ??= server ? server.stop().catch(() => {}) : Promise.resolve();
  await stopped;
  process.exit(interruptedBy ?? code);
}
// Installed before the server starts: a Ctrl-C during startup must not leave it running.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(signal, () => {
    if (interruptedBy !== undefined) return;
    interruptedBy = code;
    say(`\n${signal}: stopping PostgreSQL.`);
    if (server) void stop(code);
  });
}
// Idle client connections raise 'error' events when the server shuts down under them.
process.on('uncaughtException', (error) => {
  if (interruptedBy === undefined) process.stderr.write(`${error.stack ?? error}\n`);
  void stop(1);
});

say('Starting an embedded PostgreSQL 18 (npm-shipped binaries)…');
server = await startLocalPostgres(createRunDir(), findPgBinaries('18'));
if (interruptedBy !== undefined) await stop(interruptedBy);

try {
  say(`${server.version} on ${server.url}`);
  say(`Filling two identical tables with ${ROWS.toLocaleString('en-US')} rows each…`);
  await createTrafficTable(server.url, 'orders_ballast', ROWS);
  await createTrafficTable(server.url, 'orders_naive', ROWS);
  // Vacuum now, so autovacuum does not pick the fresh tables up in the middle of an act.
  const admin = await connect(server.url);
  await admin.query(
    `vacuum analyze ${quoteIdent('postgres', 'orders_ballast')}, ${quoteIdent('postgres', 'orders_naive')}`,
  );
  await admin.close();
  // Unmeasured warm-up on both tables (caches, connections), so the idle baseline is not the coldest act.
  await Promise.all(
    ['orders_ballast', 'orders_naive'].map(async (table) => {
      const warm = await startTraffic({
        url: server.url,
        table,
        rows: ROWS,
        clients: CLIENTS / 2,
        thinkMs: 1,
      });
      await new Promise((r) => setTimeout(r, 1500));
      await warm.stop();
    }),
  );
  const scene = (table: string, migration?: () => Promise<void>) =>
    playScene({
      url: server.url,
      table,
      rows: ROWS,
      clients: CLIENTS,
      readerHoldMs: READER_HOLD_MS,
      warmupMs: WARMUP_MS,
      ...(migration ? { migration } : {}),
    });
  say(
    `Each act: ${CLIENTS} application clients (reads, inserts, updates); after ${WARMUP_MS / 1000} s a report ` +
      `query opens a transaction that holds its read lock for ${READER_HOLD_MS / 1000} s, and the migration starts while it does.`,
  );

  step('Act 1 — idle: traffic and the report query, no migration');
  const idle = await scene('orders_ballast');

  step(
    `Act 2 — Ballast: add "status" text NOT NULL DEFAULT 'new', then an index on account_id (lock_timeout ${LOCK_TIMEOUT_MS} ms, retries)`,
  );
  const db = postgresDatabaseFromUrl(server.url);
  const lockTimeouts: number[] = [];
  const ballast = await scene('orders_ballast', async () => {
    const info = await db.withSession((s) => readServerInfo(s));
    const options = {
      lockTimeoutMs: LOCK_TIMEOUT_MS,
      log: (line: string) => {
        // Each failed attempt held the application up once: remembered to show its share of queries.
        if (/^lock timeout on /.test(line)) lockTimeouts.push(nowMs());
        say(`  ${line}`);
      },
      progress: consoleProgress(),
    };
    await runPlan(
      db,
      planAddColumn(
        { table: 'orders_ballast', column: 'status', type: 'text', notNull: true, default: { value: 'new' } },
        info,
      ),
      options,
    );
    await runPlan(db, planCreateIndex({ table: 'orders_ballast', columns: ['account_id'] }, info), options);
  });
  await db.close?.();

  step('Act 3 — naive: the same change as plain SQL');
  const naive = await scene('orders_naive', async () => {
    const conn = await connect(server.url);
    try {
      const q = (name: string) => quoteIdent('postgres', name);
      const naiveSql = [
        `alter table ${q('orders_naive')} add column ${q('status')} text not null default 'new'`,
        `create index ${q('orders_naive_account_id_idx')} on ${q('orders_naive')} (${q('account_id')})`,
      ];
      for (const sql of naiveSql) {
        say(`  ${sql}`);
        await conn.query(sql);
      }
    } finally {
      await conn.close();
    }
  });

  const acts: Act[] = [
    { mode: 'idle', ...idle },
    { mode: 'ballast', ...ballast, lockTimeouts },
    { mode: 'naive', ...naive },
  ];
  const ok = printResults(acts, { lockTimeoutMs: LOCK_TIMEOUT_MS, write: say });
  await stop(ok ? 0 : 1);
} catch (error) {
  // After Ctrl-C, queries fail because the server is going away: that is not worth a stack trace.
  if (interruptedBy === undefined) process.stderr.write(`${(error as Error).stack ?? error}\n`);
  await stop(1);
}
