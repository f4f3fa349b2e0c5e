/**
 * Chaos for the backfill (`pnpm bench:chaos`): one job, killed with SIGKILL at 10+ seeded random
 * points (after N committed batches, read from the checkpoint table), alternating SQL and JS
 * transforms across tables, then resumed; every row must be changed exactly once (counter = 1).
 * Starts its own PostgreSQL and stops it. CHAOS_SEED, CHAOS_KILLS, CHAOS_ROWS override defaults.
 */
import { writeFileSync } from 'node:fs';
import { connect, createRunDir, startLocalPostgres } from '@ballast/testkit';
import { resumeInProcess, runChildAndKill } from './kill-resume.js';

const SEED = Number(process.env.CHAOS_SEED ?? 20261125);
const KILLS = Number(process.env.CHAOS_KILLS ?? 12);
const ROWS = Number(process.env.CHAOS_ROWS ?? 200_000);
const BATCH = 1000;
const log = (line: string) => process.stderr.write(`[bench:chaos] ${line}\n`);

/** mulberry32: a tiny seeded PRNG, so a failing run can be replayed with its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(SEED);
const server = await startLocalPostgres(createRunDir());
const runs: { mode: string; killPoints: number[]; killedAt: number[]; histogram: Record<string, number> }[] =
  [];
let failed = false;
try {
  const conn = await connect(server.url);
  for (const mode of ['sql', 'js'] as const) {
    const table = `chaos_${mode}`;
    await conn.query(`create table ${table} (id bigint primary key, counter int not null default 0)`);
    await conn.query(`insert into ${table} (id) select g from generate_series(1, $1::int) g`, [ROWS]);
    await conn.query(`analyze ${table}`);
    const totalBatches = Math.ceil(ROWS / BATCH);
    // Distinct points, each also delayed 0-15 ms so some kills land inside a batch's transaction.
    const points = [
      ...new Set(Array.from({ length: KILLS * 3 }, () => 1 + Math.floor(random() * (totalBatches - 2)))),
    ]
      .slice(0, KILLS)
      .sort((a, b) => a - b);
    const killedAt: number[] = [];
    for (const point of points) {
      const delay = Math.floor(random() * 16);
      const at = await runChildAndKill(server.url, table, `chaos-${mode}`, mode, point, BATCH, delay);
      killedAt.push(at);
      log(`${mode}: kill point ${point} (+${delay} ms) → killed with ${at} committed batches`);
    }
    const result = await resumeInProcess(server.url, table, `chaos-${mode}`, mode);
    const rows = await conn.query<{ counter: number; n: string }>(
      `select counter, count(*) as n from ${table} group by counter order by counter`,
    );
    const histogram = Object.fromEntries(rows.map((r) => [String(r.counter), Number(r.n)]));
    const ok = result.status === 'done' && Object.keys(histogram).join() === '1' && histogram['1'] === ROWS;
    failed ||= !ok;
    log(`${mode}: ${ok ? 'OK' : 'FAILED'} exactly-once histogram ${JSON.stringify(histogram)}`);
    runs.push({ mode, killPoints: points, killedAt, histogram });
  }
  await conn.close();
  writeFileSync(
    new URL('../results/backfill-chaos.json', import.meta.url),
    `${JSON.stringify({ seed: SEED, rows: ROWS, batch: BATCH, server: server.version, ok: !failed, runs, at: new Date().toISOString() }, null, 2)}\n`,
  );
} finally {
  await server.stop();
}
process.exitCode = failed ? 1 : 0;
