/**
 * Backfill throughput and impact, one command (`pnpm bench:backfill`):
 *   1. our batched backfill vs ONE single UPDATE of an identical table (rows/s, ratio);
 *   2. client p99 while our backfill runs under traffic vs idle p99 in the same run, and errors;
 *   3. the same under traffic with the impact guard off (`maxClientWaitMs: 0`): what the guard
 *      buys in client max wait and costs in throughput, in the same run.
 * Starts its own PostgreSQL (stopped at the end); writes bench/results/backfill.json and .md.
 * BENCH_ROWS overrides the table size (default 1 000 000), BENCH_ROUNDS the rounds (default 3).
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { postgresDatabaseFromUrl, runBackfill } from '@ballast/core';
import {
  connect,
  createRunDir,
  createTrafficTable,
  startLocalPostgres,
  startTraffic,
} from '@ballast/testkit';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const results = new URL('../results/', import.meta.url);
const log = (line: string) => process.stderr.write(`[bench:backfill] ${line}\n`);

const server = await startLocalPostgres(createRunDir());
log(`${server.version}, ${ROWS.toLocaleString('en-US')} rows`);
try {
  const conn = await connect(server.url);
  const db = postgresDatabaseFromUrl(server.url);
  await createTrafficTable(server.url, 'bf_template', ROWS);
  let tables = 0;
  /** An identical fresh copy of the template (same size, vacuumed, analyzed) for each run. */
  const freshTable = async () => {
    const table = `bf_${tables++}`;
    await conn.query(`create table ${table} (like bf_template including all)`);
    await conn.query(`insert into ${table} select * from bf_template`);
    await conn.query(
      `alter table ${table} add column score int, add column score2 int, add column score3 int`,
    );
    await conn.query(`vacuum analyze ${table}`);
    await conn.query('checkpoint');
    return table;
  };
  const timed = async (fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    return (performance.now() - t0) / 1000;
  };
  // The machine is shared: alternate which runs first and report medians over the rounds.
  const rounds: { single: number; ours: number; batches: number }[] = [];
  let table = '';
  for (let round = 0; round < ROUNDS; round++) {
    let single = 0;
    let ours = 0;
    let batches = 0;
    const runSingle = async () => {
      const t = await freshTable();
      single = ROWS / (await timed(() => conn.query(`update ${t} set score = account_id * 2`)));
    };
    const runOurs = async () => {
      table = await freshTable();
      const seconds = await timed(() =>
        runBackfill(db, { table, set: { score: 'account_id * 2' } }, { onBatch: () => batches++ }),
      );
      ours = ROWS / seconds;
    };
    if (round % 2 === 0) {
      await runSingle();
      await runOurs();
    } else {
      await runOurs();
      await runSingle();
    }
    rounds.push({ single, ours, batches });
    log(
      `round ${round + 1}: single UPDATE ${Math.round(single)} rows/s, backfill ${Math.round(ours)} rows/s (${batches} batches, ratio ${(ours / single).toFixed(2)})`,
    );
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const single = median(rounds.map((r) => r.single));
  const ours = median(rounds.map((r) => r.ours));
  const ratio = median(rounds.map((r) => r.ours / r.single));
  const batches = rounds[rounds.length - 1]!.batches;

  // Same table, a second column, with traffic: idle window first, then the backfill.
  const traffic = await startTraffic({
    url: server.url,
    table,
    rows: ROWS,
    clients: 4,
    thinkMs: 2,
  });
  await new Promise((r) => setTimeout(r, 500));
  const idleFrom = traffic.mark('idle start');
  await new Promise((r) => setTimeout(r, 4000));
  const from = traffic.mark('backfill start');
  const underTraffic = await runBackfill(db, { table, set: { score2: 'account_id * 3' } });
  const to = traffic.mark('backfill end');
  await new Promise((r) => setTimeout(r, 1000));
  const offFrom = traffic.mark('unguarded backfill start');
  const unguarded = await runBackfill(
    db,
    { table, set: { score3: 'account_id * 5' } },
    { maxClientWaitMs: 0 },
  );
  const offTo = traffic.mark('unguarded backfill end');
  const report = await traffic.stop();
  log(`traffic: ${report.summary()}`);
  const idle = report.between(idleFrom, from);
  const during = report.between(from, to);
  const duringOff = report.between(offFrom, offTo);
  const [missing] = await conn.query<{ n: string }>(
    `select count(*) as n from ${table} where id <= $1 and (score is distinct from account_id * 2 or score2 is distinct from account_id * 3 or score3 is distinct from account_id * 5)`,
    [ROWS],
  );
  await db.close?.();
  await conn.close();

  const figures = {
    server: server.version,
    rows: ROWS,
    rounds,
    singleUpdate: { medianRowsPerSecond: single },
    backfill: { medianRowsPerSecond: ours, batches, medianRatioToSingleUpdate: ratio },
    underTraffic: {
      seconds: underTraffic.durationMs / 1000,
      rowsPerSecond: ROWS / (underTraffic.durationMs / 1000),
      idleP99Ms: idle.p99,
      duringP99Ms: during.p99,
      p99Ratio: during.p99 / idle.p99,
      duringMaxMs: during.max,
      clientQueries: report.stats.count,
      clientErrors: report.errors.length,
      yields: underTraffic.yields,
    },
    underTrafficGuardOff: {
      seconds: unguarded.durationMs / 1000,
      rowsPerSecond: ROWS / (unguarded.durationMs / 1000),
      duringP99Ms: duringOff.p99,
      duringMaxMs: duringOff.max,
      clientErrors: report.errors.filter((e) => e.start >= offFrom && e.end <= offTo).length,
    },
    loadAverage: loadavg(),
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
    `| single UPDATE (median of ${ROUNDS}) | ${f(single)} rows/s | |`,
    `| ballast backfill, no traffic (median of ${ROUNDS}) | ${f(ours)} rows/s (${batches} batches) | |`,
    `| ratio backfill / single UPDATE (median; per round ${rounds.map((r) => f(r.ours / r.single, 2)).join(', ')}) | ${f(ratio, 2)} | >= 0.8 |`,
    `| ballast backfill under traffic | ${f(figures.underTraffic.rowsPerSecond)} rows/s | |`,
    `| client p99 idle → during backfill | ${f(idle.p99, 2)} ms → ${f(during.p99, 2)} ms (x${f(during.p99 / idle.p99, 2)}) | <= 2x |`,
    `| client max during backfill | ${f(during.max, 1)} ms (${underTraffic.yields} batches yielded) | |`,
    `| same with the impact guard off (\`maxClientWaitMs: 0\`): rows/s, client p99, max | ${f(figures.underTrafficGuardOff.rowsPerSecond)} rows/s, ${f(duringOff.p99, 2)} ms, ${f(duringOff.max, 1)} ms | |`,
    `| machine load average (1, 5, 15 min) at the end | ${figures.loadAverage.map((n) => f(n, 2)).join(', ')} | |`,
    `| client errors | ${report.errors.length} of ${f(report.stats.count)} queries | 0 |`,
    `| pre-existing rows not filled | ${figures.rowsNotFilled} | 0 |`,
    '',
  ].join('\n');
  writeFileSync(new URL('backfill.md', results), md);
  process.stdout.write(md);
} finally {
  await server.stop();
}
