/**
 * Backfill throughput and impact, one command (`pnpm bench:backfill`):
 *   1. our batched backfill vs ONE single UPDATE of an identical table (rows/s, ratio);
 *   2. client p99 while our backfill runs under traffic vs idle p99 in the same run, and errors.
 * Starts its own PostgreSQL (stopped at the end); writes bench/results/backfill.json and .md.
 * BENCH_ROWS overrides the table size (default 1 000 000).
 */
import { writeFileSync } from 'node:fs';
import { postgresDatabaseFromUrl, runBackfill } from '@ballast/core';
import {
  connect,
  createRunDir,
  createTrafficTable,
  startLocalPostgres,
  startTraffic,
} from '@ballast/testkit';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const results = new URL('../results/', import.meta.url);
const log = (line: string) => process.stderr.write(`[bench:backfill] ${line}\n`);

const server = await startLocalPostgres(createRunDir());
log(`${server.version}, ${ROWS.toLocaleString('en-US')} rows`);
try {
  const conn = await connect(server.url);
  const db = postgresDatabaseFromUrl(server.url);
  for (const table of ['bf_single', 'bf_ours']) {
    await createTrafficTable(server.url, table, ROWS);
    await conn.query(`alter table ${table} add column score int, add column score2 int`);
    await conn.query(`vacuum analyze ${table}`);
  }
  const timed = async (fn: () => Promise<unknown>) => {
    await conn.query('checkpoint');
    const t0 = performance.now();
    await fn();
    return (performance.now() - t0) / 1000;
  };

  const singleSeconds = await timed(() => conn.query('update bf_single set score = account_id * 2'));
  let batches = 0;
  const oursSeconds = await timed(() =>
    runBackfill(db, { table: 'bf_ours', set: { score: 'account_id * 2' } }, { onBatch: () => batches++ }),
  );
  const single = ROWS / singleSeconds;
  const ours = ROWS / oursSeconds;
  log(`single UPDATE ${Math.round(single)} rows/s, backfill ${Math.round(ours)} rows/s (${batches} batches)`);

  // Same table, a second column, with traffic: idle window first, then the backfill.
  const traffic = await startTraffic({
    url: server.url,
    table: 'bf_ours',
    rows: ROWS,
    clients: 4,
    thinkMs: 2,
  });
  await new Promise((r) => setTimeout(r, 500));
  const idleFrom = traffic.mark('idle start');
  await new Promise((r) => setTimeout(r, 4000));
  const from = traffic.mark('backfill start');
  const underTraffic = await runBackfill(db, { table: 'bf_ours', set: { score2: 'account_id * 3' } });
  const to = traffic.mark('backfill end');
  const report = await traffic.stop();
  const idle = report.between(idleFrom, from);
  const during = report.between(from, to);
  const [missing] = await conn.query<{ n: string }>(
    'select count(*) as n from bf_ours where id <= $1 and (score is distinct from account_id * 2 or score2 is distinct from account_id * 3)',
    [ROWS],
  );
  await db.close?.();
  await conn.close();

  const figures = {
    server: server.version,
    rows: ROWS,
    singleUpdate: { seconds: singleSeconds, rowsPerSecond: single },
    backfill: { seconds: oursSeconds, rowsPerSecond: ours, batches, ratioToSingleUpdate: ours / single },
    underTraffic: {
      seconds: underTraffic.durationMs / 1000,
      rowsPerSecond: ROWS / (underTraffic.durationMs / 1000),
      idleP99Ms: idle.p99,
      duringP99Ms: during.p99,
      p99Ratio: during.p99 / idle.p99,
      duringMaxMs: during.max,
      clientQueries: report.stats.count,
      clientErrors: report.errors.length,
    },
    rowsNotFilled: Number(missing!.n),
    at: new Date().toISOString(),
  };
  writeFileSync(new URL('backfill.json', results), `${JSON.stringify(figures, null, 2)}\n`);
  const f = (n: number, d = 0) =>
    n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const md = [
    `# Backfill benchmark (${figures.server}, ${f(ROWS)} rows, ${figures.at})`,
    '',
    '| measure | value | aim |',
    '|---|---|---|',
    `| single UPDATE | ${f(single)} rows/s (${f(singleSeconds, 2)} s) | |`,
    `| ballast backfill, no traffic | ${f(ours)} rows/s (${f(oursSeconds, 2)} s, ${batches} batches) | |`,
    `| ratio backfill / single UPDATE | ${f(ours / single, 2)} | >= 0.8 |`,
    `| ballast backfill under traffic | ${f(figures.underTraffic.rowsPerSecond)} rows/s | |`,
    `| client p99 idle → during backfill | ${f(idle.p99, 2)} ms → ${f(during.p99, 2)} ms (x${f(during.p99 / idle.p99, 2)}) | <= 2x |`,
    `| client max during backfill | ${f(during.max, 1)} ms | |`,
    `| client errors | ${report.errors.length} of ${f(report.stats.count)} queries | 0 |`,
    `| pre-existing rows not filled | ${figures.rowsNotFilled} | 0 |`,
    '',
  ].join('\n');
  writeFileSync(new URL('backfill.md', results), md);
  process.stdout.write(md);
} finally {
  await server.stop();
}
