/**
 * `pnpm bench` — the zero-downtime benchmark. For each scenario, the same pgbench workload runs
 * once per mode: idle (no migration), naive (the plain SQL), ballast-no-wait (lock_timeout retries
 * only) and ballast; results go to bench/results/<name>.{md,json,svg} (default name zero-downtime).
 * See bench/zero-downtime/README.md for the flags.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { quoteIdent } from '@ballast/core/adapter';
import { createRunDir, createTrafficTable, type RunningServer, startLocalPostgres } from '@ballast/testkit';
import { renderChart } from './chart.js';
import { databaseUrl, type Measurement, MODES, measure, type Settings } from './measure.js';
import { runStatements } from './pg-client.js';
import { renderMarkdown, toJson } from './report.js';
import { SCENARIOS, TABLE } from './scenarios.js';
import { renderSizesChart } from './sizes-chart.js';

const { values: flags } = parseArgs({
  options: {
    rows: { type: 'string', default: '500000' },
    sizes: { type: 'string' },
    'backfill-rows': { type: 'string', default: '1000000' },
    clients: { type: 'string', default: '4' },
    duration: { type: 'string', default: '10' },
    'backfill-duration': { type: 'string', default: '75' },
    'lock-timeout': { type: 'string', default: '200' },
    'reader-hold': { type: 'string', default: '3000' },
    'long-reader-hold': { type: 'string', default: '10000' },
    rate: { type: 'string' },
    scenarios: { type: 'string' },
    modes: { type: 'string', default: 'idle,naive,ballast' },
    out: { type: 'string' },
    name: { type: 'string', default: 'zero-downtime' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (flags.help) {
  process.stdout.write(
    [
      'pnpm bench [flags]: the zero-downtime benchmark (bench/zero-downtime/README.md explains each flag)',
      '  --rows N  --backfill-rows N  --sizes N,N  --clients N  --duration S  --backfill-duration S',
      '  --lock-timeout MS  --reader-hold MS  --long-reader-hold MS  --rate TPS',
      `  --scenarios a,b   among ${SCENARIOS.map((s) => s.id).join(', ')}`,
      `  --modes a,b       among ${MODES.join(', ')} (default idle,naive,ballast)`,
      '  --out DIR  --name NAME',
      '',
    ].join('\n'),
  );
  process.exit(0);
}

/** A typo must stop the run before the server starts, not leave a scenario or mode out. */
function listFlag<T extends string>(flag: string, given: string, known: readonly T[]): T[] {
  const items = given.split(',').map((item) => item.trim());
  const unknown = items.filter((item) => !known.includes(item as T));
  if (unknown.length > 0)
    usageError(
      `--${flag}: unknown ${unknown.map((u) => `"${u}"`).join(', ')}; expected some of ${known.join(', ')}`,
    );
  return items as T[];
}
function usageError(message: string): never {
  process.stderr.write(`[bench] ${message}\n[bench] pnpm bench --help lists the flags\n`);
  process.exit(2);
}
for (const flag of [
  'rows',
  'backfill-rows',
  'clients',
  'duration',
  'backfill-duration',
  'lock-timeout',
  'reader-hold',
  'long-reader-hold',
  'rate',
] as const) {
  const value = flags[flag];
  if (value !== undefined && !(Number.isFinite(Number(value)) && Number(value) > 0))
    usageError(`--${flag}: expected a positive number, got "${value}"`);
}

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const outDir = flags.out ? resolve(flags.out) : join(root, 'bench', 'results');
const wanted = flags.scenarios
  ? listFlag(
      'scenarios',
      flags.scenarios,
      SCENARIOS.map((s) => s.id),
    )
  : SCENARIOS.map((s) => s.id);
const scenarios = SCENARIOS.filter((s) => wanted.includes(s.id));
const modes = listFlag('modes', flags.modes!, MODES);
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

let server: RunningServer | undefined;
let stopping = false;
async function stopServer(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await server?.stop().catch(() => {});
  }
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stopServer(130));

/** Builds the scenario's starting table once; every mode copies it (CREATE DATABASE … TEMPLATE). */
async function buildTemplate(
  url: string,
  id: string,
  rows: number,
  setup: readonly string[],
): Promise<string> {
  const name = `zd_tpl_${id.replaceAll('-', '_')}`;
  const q = quoteIdent('postgres', name);
  await runStatements(url, [`drop database if exists ${q} with (force)`, `create database ${q}`]);
  const tplUrl = databaseUrl(url, name);
  await createTrafficTable(tplUrl, TABLE, rows);
  await runStatements(tplUrl, [...setup, `vacuum analyze ${quoteIdent('postgres', TABLE)}`]);
  // No connection (autovacuum included) may sit on a template while it is copied.
  await runStatements(url, [`alter database ${q} allow_connections false`]);
  return name;
}

try {
  server = process.env.BALLAST_PG_URL
    ? {
        url: process.env.BALLAST_PG_URL,
        source: 'BALLAST_PG_URL',
        version: '',
        stop: async () => {},
      }
    : await startLocalPostgres(createRunDir());
  log(`server: ${server.source} ${server.version} ${server.url}`);
  const workDir = mkdtempSync(join(tmpdir(), 'ballast-bench-'));
  const results: Measurement[] = [];
  const base = {
    clients: Number(flags.clients),
    warmupS: 2,
    readerHoldMs: Number(flags['reader-hold']),
    readerLeadMs: 500,
    lockTimeoutMs: Number(flags['lock-timeout']),
    ...(flags.rate ? { rate: Number(flags.rate) } : {}),
  };
  const longHoldMs = Number(flags['long-reader-hold']);
  // The traffic outlasts the long reader, whatever --duration says, so the end of the wait is measured.
  const longReader = {
    readerHoldMs: longHoldMs,
    durationS: Math.max(Number(flags.duration), Math.ceil(base.warmupS + longHoldMs / 1000 + 3)),
  };
  // --sizes runs every scenario at each table size (rows and backfill rows alike); the traffic of
  // the scenarios that fill every row lasts in proportion to the size (--backfill-duration is per 1M).
  const sizes = flags.sizes?.split(',').map(Number);
  if (sizes?.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error(`--sizes: expected positive row counts such as 100000,1000000, got ${flags.sizes}`);
  const loadBefore = loadavg();
  for (const size of sizes ?? [undefined])
    for (const scenario of scenarios) {
      const rows = size ?? Number(scenario.big ? flags['backfill-rows'] : flags.rows);
      const longS = Number(flags['backfill-duration']);
      const settings: Settings = {
        ...base,
        durationS:
          scenario.big || scenario.long
            ? size === undefined
              ? longS
              : Math.max(Number(flags.duration), Math.ceil((longS * size) / 1_000_000))
            : Number(flags.duration),
        ...(scenario.longReader ? longReader : {}),
      };
      log(`${scenario.id}: building ${rows.toLocaleString('en-US')} rows`);
      const template = await buildTemplate(server.url, scenario.id, rows, scenario.setup);
      for (const mode of modes) {
        const m = await measure(server.url, template, scenario, mode, rows, settings, workDir);
        log(
          m.available
            ? `${scenario.id} ${mode}: p50 ${m.p50_ms} p99 ${m.p99_ms} max ${m.max_ms} ms, ${m.errors} errors, ${m.tps} tps, migration ${m.duration_s} s, lock wait ${m.max_lock_wait_ms} ms${m.note ? ` (${m.note})` : ''}`
            : `${scenario.id} ${mode}: not available (${m.note})`,
        );
        results.push(m);
      }
      await runStatements(server.url, [
        `drop database if exists ${quoteIdent('postgres', template)} with (force)`,
      ]);
    }
  mkdirSync(outDir, { recursive: true });
  const meta = {
    server: `${server.source} ${server.version}`.trim(),
    settings: {
      ...base,
      ...(scenarios.some((s) => s.longReader)
        ? { longReaderHoldMs: longReader.readerHoldMs, longReaderDurationS: longReader.durationS }
        : {}),
      rows: Number(flags.rows),
      backfillRows: Number(flags['backfill-rows']),
      durationS: Number(flags.duration),
      backfillDurationS: Number(flags['backfill-duration']),
    },
    date: new Date(),
    // The machine is shared: the 1-minute load average before and after the run, for the reader to judge.
    load: {
      before: loadBefore.map((l) => Math.round(l * 100) / 100),
      after: loadavg().map((l) => Math.round(l * 100) / 100),
    },
    ...(sizes ? { sizes } : {}),
  };
  const name = flags.name!;
  writeFileSync(join(outDir, `${name}.json`), toJson(results));
  writeFileSync(join(outDir, `${name}.md`), renderMarkdown(results, { ...meta, name }));
  writeFileSync(join(outDir, `${name}.svg`), renderChart(results));
  if (sizes && sizes.length > 1) writeFileSync(join(outDir, `${name}-sizes.svg`), renderSizesChart(results));
  log(`wrote ${join(outDir, `${name}.{md,json,svg}`)}`);
  rmSync(workDir, { recursive: true, force: true });
  await stopServer(0);
} catch (error) {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  await stopServer(1);
}
