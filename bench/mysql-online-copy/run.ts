/**
 * The same INT → BIGINT change on the same MariaDB table under the same load, three ways in one
 * run: a plain ALTER (what MySQL does by default: ALGORITHM=COPY, writes wait), pt-online-schema-
 * change with its defaults (only if installed, else the reason is printed), and Ballast's online
 * copy. Four clients (reads, inserts, updates) run throughout; each way gets a fresh copy of the
 * table. Writes bench/results/mysql-online-copy.{md,json}.
 *   node --conditions=ballast-source --import tsx bench/mysql-online-copy/run.ts [--rows 1000000]
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { changeColumnTypeMysql } from '@ballast/core';
import {
  connect,
  createRunDir,
  createTrafficTable,
  type RunningServer,
  startLocalMariaDb,
} from '@ballast/testkit';
import { databaseOf, freshDatabase, type LoadMeasure, underLoad } from '../mysql-load.js';

const { values: flags } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    clients: { type: 'string', default: '4' },
    modes: { type: 'string', default: 'naive,pt-osc,ballast' },
  },
});
const rows = Number(flags.rows);
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

interface Result extends Partial<LoadMeasure> {
  readonly mode: string;
  readonly ran: boolean;
  readonly note: string;
}

function ptOsc(server: URL, database: string): Promise<string> {
  const dsn = `h=${server.hostname},P=${server.port},u=${server.username || 'root'},D=${database},t=accounts`;
  return new Promise((resolveRun, reject) =>
    execFile(
      'pt-online-schema-change',
      ['--alter', 'MODIFY amount BIGINT NOT NULL DEFAULT 0', '--execute', dsn],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolveRun(stdout),
    ),
  );
}

function ptOscMissing(): Promise<string | undefined> {
  return new Promise((res) =>
    execFile('pt-online-schema-change', ['--version'], (error) =>
      res(error ? `pt-online-schema-change is not installed (${error.message.split('\n')[0]})` : undefined),
    ),
  );
}

async function runMode(server: RunningServer, mode: string): Promise<Result> {
  if (mode === 'pt-osc') {
    const missing = await ptOscMissing();
    if (missing) {
      log(missing);
      return { mode, ran: false, note: missing };
    }
  }
  const url = await freshDatabase(server.url, `bench_${mode.replace(/\W/g, '_')}`);
  await createTrafficTable(url, 'accounts', rows);
  log(`${mode}: ${rows} rows ready, starting ${flags.clients} clients`);
  const { value: note, measure } = await underLoad(
    { url, table: 'accounts', rows, clients: Number(flags.clients) },
    async () => {
      try {
        if (mode === 'naive') {
          const conn = await connect(url);
          await conn.query('ALTER TABLE accounts MODIFY amount BIGINT NOT NULL DEFAULT 0');
          await conn.close();
          return 'ALTER TABLE … MODIFY (the server picks ALGORITHM=COPY: writes wait for the copy)';
        }
        if (mode === 'pt-osc') {
          await ptOsc(new URL(server.url), new URL(url).pathname.slice(1));
          return 'pt-online-schema-change --execute, defaults';
        }
        await changeColumnTypeMysql(
          databaseOf(url),
          { table: 'accounts', column: 'amount', newType: 'BIGINT' },
          { log: () => {} },
        );
        return 'changeColumnTypeMysql (onlineCopy), defaults';
      } catch (error) {
        return `failed: ${(error as Error).message.split('\n')[0]}`;
      }
    },
  );
  const result: Result = { mode, ran: true, note, ...measure };
  log(`${mode}: ${JSON.stringify(result)}`);
  return result;
}

const loadAtStart = loadavg()
  .map((n) => n.toFixed(2))
  .join(', ');
const runDir = createRunDir();
const server = await startLocalMariaDb(runDir);
try {
  const results: Result[] = [];
  for (const mode of flags.modes!.split(',')) results.push(await runMode(server, mode));
  const outDir = join(root, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  // The machine is shared: its load says how much the absolute times mean; the ratio is what compares.
  const load = loadavg()
    .map((n) => n.toFixed(2))
    .join(', ');
  const meta = {
    server: server.version,
    rows,
    clients: Number(flags.clients),
    at: new Date().toISOString(),
    loadAverage: load,
    loadAtStart,
  };
  const ran = (mode: string) => results.find((r) => r.mode === mode && r.ran);
  const [pt, ours] = [ran('pt-osc'), ran('ballast')];
  const ratio = pt && ours ? (ours.durationMs ?? 0) / (pt.durationMs ?? 1) : undefined;
  writeFileSync(
    join(outDir, 'mysql-online-copy.json'),
    `${JSON.stringify({ ...meta, ballastOverPtOsc: ratio, results }, null, 2)}\n`,
  );
  const lines = [
    '# MySQL/MariaDB online copy: INT → BIGINT under load',
    '',
    `${meta.server}, ${rows.toLocaleString('en-US')} rows, ${meta.clients} clients (reads, inserts, updates), ${meta.at}.`,
    '`pnpm bench:mysql-online-copy` (see bench/mysql-online-copy/run.ts). Max wait: the slowest client query that overlapped the change.',
    `Machine load average (1, 5, 15 min) at the start: ${meta.loadAtStart}; at the end: ${meta.loadAverage} (a shared 2-core machine: compare the ways within one run).`,
    '',
    '| way | duration | client errors | max client wait | p99 | note |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...results.map((r) =>
      r.ran
        ? `| ${r.mode} | ${((r.durationMs ?? 0) / 1000).toFixed(1)} s | ${r.errors} | ${r.maxWaitMs} ms | ${r.p99Ms} ms | ${r.note}${r.firstErrors?.length ? ` (${r.firstErrors.join('; ')})` : ''} |`
        : `| ${r.mode} | – | – | – | – | not run: ${r.note} |`,
    ),
    '',
    ...(ratio !== undefined
      ? [
          `Ballast / pt-osc duration in this run: ${ratio.toFixed(2)}×; max client wait ${ours?.maxWaitMs} ms against ${pt?.maxWaitMs} ms.`,
          '',
        ]
      : []),
  ];
  writeFileSync(join(outDir, 'mysql-online-copy.md'), lines.join('\n'));
  process.stdout.write(lines.join('\n'));
} finally {
  await server.stop();
}
