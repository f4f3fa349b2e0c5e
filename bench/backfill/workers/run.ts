/**
 * Distributed backfill throughput (`pnpm bench:workers`): the same `counter = counter + 1`
 * backfill of a fresh table by 1 worker process, by 3, and by 3 with one killed with kill -9 at
 * 30% (its range resumes elsewhere after the lease), each under client traffic (p99 reported).
 * Starts its own PostgreSQL; writes bench/results/backfill-workers.json and .md.
 * BALLAST_WORKERS_ROWS sets the table size (default 1 000 000).
 */
import { writeFileSync } from 'node:fs';
import {
  connect,
  createRunDir,
  createTrafficTable,
  startLocalPostgres,
  startTraffic,
} from '@ballast/testkit';
import { runFleet } from './fleet.js';

const ROWS = Number(process.env.BALLAST_WORKERS_ROWS ?? 1_000_000);
const RANGES = 32;
const LEASE_SECONDS = 10;
const results = new URL('../../results/', import.meta.url);
const log = (line: string) => process.stderr.write(`[bench:workers] ${line}\n`);

const server = await startLocalPostgres(createRunDir());
log(`${server.version}, ${ROWS.toLocaleString('en-US')} rows, ${RANGES} ranges`);
const conn = await connect(server.url);
await createTrafficTable(server.url, 'accounts', 100_000);
let n = 0;
const freshTable = async () => {
  const table = `w_${n++}`;
  await conn.query(
    `create table ${table} (id bigint primary key, counter int not null default 0, note text)`,
  );
  await conn.query(`insert into ${table} (id) select g from generate_series(1, $1::int) g`, [ROWS]);
  await conn.query(`vacuum analyze ${table}`);
  await conn.query('checkpoint');
  return table;
};

const SCENARIOS = [
  { name: '1 worker', workers: 1 },
  { name: '3 workers', workers: 3 },
  { name: '3 workers, one killed at 30%', workers: 3, kill: true },
] as const;
const runs = [];
for (const s of SCENARIOS) {
  const table = await freshTable();
  const traffic = await startTraffic({
    url: server.url,
    table: 'accounts',
    rows: 100_000,
    clients: 4,
    thinkMs: 2,
  });
  await new Promise((r) => setTimeout(r, 500));
  const idleFrom = traffic.mark('idle');
  await new Promise((r) => setTimeout(r, 3000));
  const from = traffic.mark('start');
  const run = await runFleet({
    url: server.url,
    table,
    job: `bench-${table}`,
    workers: s.workers,
    ranges: RANGES,
    leaseSeconds: LEASE_SECONDS,
    ...('kill' in s ? { killAt: { share: 0.3, rows: ROWS } } : {}),
  });
  const to = traffic.mark('end');
  const report = await traffic.stop();
  const [check] = await conn.query<{ once: string; total: string }>(
    `select count(*) filter (where counter = 1) as once, count(*) as total from ${table}`,
  );
  const idle = report.between(idleFrom, from);
  const during = report.between(from, to);
  const figures = {
    scenario: s.name,
    workers: s.workers,
    seconds: run.seconds,
    rowsPerSecond: ROWS / run.seconds,
    killedAtRows: run.killedAtRows ?? null,
    everyRowOnce: check!.once === check!.total,
    idleP99Ms: idle.p99,
    duringP99Ms: during.p99,
    clientQueries: report.stats.count,
    clientErrors: report.errors.length,
  };
  runs.push(figures);
  log(
    `${s.name}: ${run.seconds.toFixed(1)} s, ${Math.round(figures.rowsPerSecond)} rows/s, every row once: ${figures.everyRowOnce}; client p99 ${idle.p99.toFixed(1)} ms idle, ${during.p99.toFixed(1)} ms during, ${report.errors.length} errors`,
  );
}
await conn.close();
await server.stop();

const one = runs[0]!.rowsPerSecond;
const figures = {
  server: server.version,
  rows: ROWS,
  ranges: RANGES,
  leaseSeconds: LEASE_SECONDS,
  cpus: (await import('node:os')).cpus().length,
  runs,
};
writeFileSync(new URL('backfill-workers.json', results), `${JSON.stringify(figures, null, 2)}\n`);
const md = [
  `# Distributed backfill: ${ROWS.toLocaleString('en-US')} rows, ${RANGES} ranges (${server.version}, ${figures.cpus} CPUs)`,
  '',
  'Every worker is its own process; server, workers and the traffic clients share the machine.',
  '',
  '| scenario | seconds | rows/s | vs 1 worker | every row once | client p99 idle | client p99 during | client errors |',
  '| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
  ...runs.map(
    (r) =>
      `| ${r.scenario} | ${r.seconds.toFixed(1)} | ${Math.round(r.rowsPerSecond).toLocaleString('en-US')} | ${(r.rowsPerSecond / one).toFixed(2)}× | ${r.everyRowOnce ? 'yes' : 'NO'} | ${r.idleP99Ms.toFixed(1)} ms | ${r.duringP99Ms.toFixed(1)} ms | ${r.clientErrors} |`,
  ),
  '',
  `The killed worker's range waits for its lease (${LEASE_SECONDS} s here) before another worker resumes it from its checkpoint.`,
  '',
].join('\n');
writeFileSync(new URL('backfill-workers.md', results), md);
log('wrote bench/results/backfill-workers.json and .md');
