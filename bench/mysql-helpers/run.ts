/**
 * Every MySQL/MariaDB Knex helper under load beside the naive statement, on one local MariaDB:
 * for each helper and mode a fresh copy of a `--rows` table, 4 clients (point reads, inserts,
 * updates by primary key, closed loop), and a reader that holds the table's metadata lock for
 * `--hold` ms from the start of the change (in both modes). Writes bench/results/mysql-helpers.{md,json}.
 *   node --conditions=ballast-source --import tsx bench/mysql-helpers/run.ts [--rows 1000000]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRunDir, startLocalMariaDb } from '@ballast/testkit';
import { HELPER_CASES } from './cases.js';
import { type CaseRun, createTemplate, ensureMetadataLockInfo, type Mode, runCase } from './run-case.js';

const { values: flags } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    clients: { type: 'string', default: '4' },
    hold: { type: 'string', default: '2000' },
    helpers: { type: 'string' },
    modes: { type: 'string', default: 'naive,ballast' },
    verbose: { type: 'boolean', default: false },
  },
});
const rows = Number(flags.rows);
const clients = Number(flags.clients);
const holdMs = Number(flags.hold);
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const only = flags.helpers?.split(',');
const cases = HELPER_CASES.filter((c) => !only || only.includes(c.helper));
const modes = flags.modes!.split(',') as Mode[];

const runDir = createRunDir();
const server = await startLocalMariaDb(runDir);
const serverLogTail = () => {
  try {
    return readFileSync(join(runDir.path, 'mariadb.log'), 'utf8').slice(-3000);
  } catch {
    return `(no server log in ${runDir.path})`;
  }
};
const runs: CaseRun[] = [];
const loadBefore = execFileSync('uptime').toString().trim();
try {
  await ensureMetadataLockInfo(server.url);
  const template = 'helpers_template';
  const started = Date.now();
  await createTemplate(server.url, template, rows);
  log(`template: ${rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const helperCase of cases)
    for (const mode of modes) {
      const run = await runCase(helperCase, mode, {
        serverUrl: server.url,
        template,
        rows,
        clients,
        holdMs,
      }).catch((error: Error) => {
        log(`${helperCase.helper} ${mode}: ${error.stack}\n${serverLogTail()}`);
        throw error;
      });
      const { helper, outcome, schemaAsAsked, measure } = run;
      log(`${helper} ${mode}: ${outcome}, schema as asked ${schemaAsAsked}, ${JSON.stringify(measure)}`);
      if (flags.verbose || outcome.startsWith('failed')) for (const line of run.log) log(`  ${line}`);
      runs.push(run);
    }
} finally {
  await server.stop();
}

const loadAfter = execFileSync('uptime').toString().trim();
const meta = {
  server: server.version,
  rows,
  clients,
  holdMs,
  at: new Date().toISOString(),
  load: { before: loadBefore, after: loadAfter },
};
const results = runs.map((r) => ({
  helper: r.helper,
  mode: r.mode,
  outcome: r.outcome,
  schemaAsAsked: r.schemaAsAsked,
  migrationMs: r.migrationMs,
  ...r.measure,
  slowest: r.slowest,
  clientsSeenWaiting: new Set(r.clientWaits.map((w) => w.session)).size,
  clientsSeenWaitingWhileHeld: new Set(r.clientWaitsWhileHeld.map((w) => w.session)).size,
  lockWaitStates: [...new Set(r.clientWaits.map((w) => w.state))],
}));
const outDir = join(root, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'mysql-helpers.json'), `${JSON.stringify({ ...meta, results }, null, 2)}\n`);
const cell = (r: (typeof results)[number]) =>
  `| ${r.helper} | ${r.mode} | ${r.outcome} | ${r.schemaAsAsked ? 'yes' : 'no'} | ${r.errors} | ${r.maxWaitMs} ms | ${r.p99Ms} ms | ${(r.migrationMs / 1000).toFixed(1)} s | ${r.clientsSeenWaitingWhileHeld} / ${r.clientsSeenWaiting}${r.lockWaitStates.length ? ` (${r.lockWaitStates.join(', ')})` : ''} |`;
const lines = [
  '# MySQL/MariaDB: every Knex helper under load, beside the naive statement',
  '',
  `${meta.server}, ${rows.toLocaleString('en-US')} rows, ${clients} clients (point reads, inserts, updates by primary key, closed loop), ${meta.at}.`,
  `Machine load (\`uptime\`): before \`${loadBefore}\`; after \`${loadAfter}\`.`,
  '',
  '`pnpm bench:mysql-helpers` (see bench/mysql-helpers/). Each helper and mode gets a fresh copy of the table.',
  `In both modes a reader opens a transaction on the table just before the change and keeps it ${holdMs} ms`,
  '(its metadata lock stays taken), as an analytics query or a forgotten transaction would. Naive: the',
  'statement a developer would write (plain `ALTER` without `ALGORITHM`/`LOCK`, one `UPDATE` for backfill).',
  'Ballast: `ballast(knex).<helper>` through a real Knex `mysql2` instance, defaults (METADATA_LOCK_INFO installed).',
  'Migration: the statement or the helper alone. Max wait / p99: client queries that overlapped the change',
  'and the reader (from the start until both ended). Clients seen waiting: distinct clients the',
  'processlist sampler (every 5 ms) saw waiting on a metadata lock (naive mode also: an InnoDB row lock, every',
  '150 ms) while the reader held the table / during the whole change. After the reader, every DDL still takes',
  'the exclusive metadata lock for a moment (INSTANT too), and clients arriving then wait that moment.',
  '',
  '| helper | mode | outcome | schema as asked | client errors | max client wait | p99 | migration | clients seen waiting: while held / in all |',
  '| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |',
  ...results.map(cell),
  '',
];
writeFileSync(join(outDir, 'mysql-helpers.md'), lines.join('\n'));
process.stdout.write(lines.join('\n'));
