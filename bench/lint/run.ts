/**
 * `pnpm bench:lint`: ballast lint vs squawk on the same labelled PostgreSQL corpus (recall and
 * precision per detected operation), wall and CPU time of one process linting 1,000 generated
 * files, and of one invocation on a single file (clean, and with a finding whose fix is planned),
 * beside `node -e 0` (the floor any Node command pays on this machine).
 * Writes bench/results/lint.json and bench/results/lint.md.
 *
 * Needs the CLI built (`pnpm build`): it runs packages/cli/dist/bin.js like `pnpm exec ballast`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';

const cpus = availableParallelism();

import { join } from 'node:path';
import { type Case, corpus } from './corpus.js';
import { type BenchDirs, ballastBin, root, score, scoreRow, squawkBin, type Tool, timed } from './score.js';
import { scoreUnseen, unseenDetails, unseenTable } from './unseen.js';

if (!existsSync(ballastBin)) throw new Error('packages/cli/dist/bin.js is missing: run `pnpm build` first');

/** 1,000 generated files (the plain PostgreSQL cases, repeated) for one invocation. */
function thousandFiles(cases: readonly Case[], dir: string): string[] {
  const plain = cases.filter((c) => !c.pgVersion && !c.inTransaction && !c.mysql);
  const files: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const c = plain[i % plain.length]!;
    const file = join(dir, `${String(i).padStart(4, '0')}_${c.name}.sql`);
    writeFileSync(file, `-- generated ${i}\n${c.sql}`);
    files.push(file);
  }
  return files;
}

const median = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);

const RUNS = 10;
interface Timing {
  readonly medianMs: number;
  readonly medianCpuMs: number | undefined;
  readonly runsMs: readonly number[];
}

/**
 * Every measured command RUNS times, interleaved (one run of each, then again), so a burst of load
 * from other processes hits all of them alike; medians of wall and CPU time.
 */
function timeAll<K extends string>(commands: Record<K, readonly string[]>): Record<K, Timing> {
  const runs = Object.fromEntries(
    Object.keys(commands).map((k) => [k, [] as { ms: number; cpuMs?: number }[]]),
  );
  for (let i = 0; i < RUNS; i++) {
    for (const [name, argv] of Object.entries<readonly string[]>(commands)) {
      const { ms, cpuMs, r } = timed(argv, CPU_FILE);
      if (r.status !== 0 && r.status !== 1) throw new Error(`${name} failed (${r.status}): ${r.stderr}`);
      runs[name]!.push({ ms, cpuMs });
    }
  }
  const out = {} as Record<K, Timing>;
  for (const name of Object.keys(commands) as K[]) {
    const rs = runs[name]!;
    out[name] = {
      medianMs: median(rs.map((r) => r.ms)),
      medianCpuMs: rs.every((r) => r.cpuMs !== undefined) ? median(rs.map((r) => r.cpuMs!)) : undefined,
      runsMs: rs.map((r) => Math.round(r.ms)),
    };
  }
  return out;
}

/**
 * What an editor or a pre-commit hook pays per file (one invocation on one file: clean, with
 * findings, and for ballast a MySQL file), and one invocation on 1,000 files; `node -e 0` is the
 * floor any Node command pays on this machine.
 */
function speed(dir: string, files: readonly string[]) {
  const clean = join(dir, 'safe-add-nullable.sql');
  const findings = join(dir, 'rails-style-add-reference.sql');
  const mysql = join(dir, 'speed-mysql.sql');
  writeFileSync(mysql, 'ALTER TABLE users ADD COLUMN nickname varchar(40), ALGORITHM=INSTANT;\n');
  const ballast = [process.execPath, ballastBin, 'lint'];
  const loadBefore = loadavg();
  const t = timeAll({
    node: [process.execPath, '-e', '0'],
    ballastClean: [...ballast, clean],
    ballastFindings: [...ballast, findings],
    ballastMysql: [...ballast, '--mysql-version', '8.0', mysql],
    squawkClean: [squawkBin, clean],
    squawkFindings: [squawkBin, findings],
    ballastThousand: [...ballast, '--format', 'json', ...files],
    squawkThousand: [squawkBin, '--reporter', 'json', ...files],
  });
  return { runs: RUNS, loadAverage: { before: loadBefore, after: loadavg() }, ...t };
}

/** The speed table: medians, and ballast's cost above node's own start. */
function speedSection(t: ReturnType<typeof speed>): string[] {
  const ms = (x: Timing | undefined, cpu = false) => {
    const v = x === undefined ? undefined : cpu ? x.medianCpuMs : x.medianMs;
    return v === undefined ? '' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v} ms`;
  };
  const row = (name: string, ...cells: (Timing | undefined)[]) =>
    `| ${name} | ${[0, 1, 2].flatMap((i) => [ms(cells[i]), ms(cells[i], true)]).join(' | ')} |`;
  const above = (x: Timing) =>
    `${x.medianMs - t.node.medianMs} ms wall, ${(x.medianCpuMs ?? 0) - (t.node.medianCpuMs ?? 0)} ms CPU`;
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' / ');
  return [
    '## Speed',
    '',
    `Medians of ${t.runs} runs of each command, interleaved (one run of each, then the next round), so load from other processes falls on all alike. Load average ${load(t.loadAverage.before)} before and ${load(t.loadAverage.after)} after, on ${cpus} cores: wall time suffers on a shared machine, CPU (user+sys) much less.`,
    '',
    '| command | single clean file: wall | CPU | single file with findings: wall | CPU | 1,000 files, one invocation: wall | CPU |',
    '|---|---|---|---|---|---|---|',
    row('`node -e 0`', t.node),
    row('ballast (PostgreSQL)', t.ballastClean, t.ballastFindings, t.ballastThousand),
    row('ballast (one MySQL file)', t.ballastMysql),
    row('squawk', t.squawkClean, t.squawkFindings, t.squawkThousand),
    '',
    `Goal ≤ 100 ms per single-file run: \`node -e 0\` alone takes ${ms(t.node)} wall (${ms(t.node, true)} CPU) here. ballast above it: clean file ${above(t.ballastClean)}; with findings ${above(t.ballastFindings)}; MySQL file ${above(t.ballastMysql)}. Goal ≤ 1 s for 1,000 files in one invocation: ${ms(t.ballastThousand)} wall, ${ms(t.ballastThousand, true)} CPU.`,
  ];
}

const cases = corpus();
const dir = mkdtempSync(join(tmpdir(), 'ballast-bench-lint-'));
const CPU_FILE = join(dir, 'cpu.txt');
const dirs: BenchDirs = { dir, schemaDir: join(dir, 'schemas'), cpuFile: CPU_FILE };
mkdirSync(dirs.schemaDir);
try {
  for (const c of cases) writeFileSync(join(dir, `${c.name}.sql`), c.sql);
  const many = join(dir, 'thousand');
  mkdirSync(many);
  const tools: Tool[] = ['ballast', 'squawk'];
  const results = Object.fromEntries(
    tools.map((tool) => [
      tool,
      score(
        dirs,
        tool,
        cases.filter((c) => !c.mysql),
      ),
    ]),
  );
  const timing = speed(dir, thousandFiles(cases, many));
  // MySQL/MariaDB: ballast alone (squawk has no MySQL mode).
  const mysqlScore = score(
    dirs,
    'ballast',
    cases.filter((c) => c.mysql),
  );
  // Migrations written by others, scored apart from the corpus the rules were tuned on.
  const unseen = scoreUnseen(dirs);
  const squawkVersion = spawnSync(squawkBin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const summary = {
    date: new Date().toISOString(),
    node: process.version,
    loadAverage: loadavg(),
    squawk: squawkVersion,
    corpus: {
      files: cases.length,
      mysql: cases.filter((c) => c.mysql).length,
      serverChecked: cases.filter((c) => c.name.startsWith('pg1')).length,
      unsafe: cases.filter((c) => c.expected.length).length,
      expectedDetections: cases.reduce((n, c) => n + c.expected.length, 0),
    },
    results,
    mysql: mysqlScore,
    unseen,
    speed: timing,
  };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/lint.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const md = [
    `# ballast lint vs ${squawkVersion}`,
    '',
    `Corpus: ${summary.corpus.files} files (${summary.corpus.files - summary.corpus.mysql} PostgreSQL, ${summary.corpus.mysql} MySQL/MariaDB; ${summary.corpus.unsafe} unsafe, ${summary.corpus.expectedDetections} expected detections). ${summary.corpus.serverChecked} PostgreSQL cases (bench/lint/server-corpus.ts) have their verdict checked on PostgreSQL 15/18, facts in bench/lint/server-facts.json (packages/core/test/lint-corpus-facts.test.ts). squawk is scored on the PostgreSQL files only. ballast gets the server-checked cases' fixture tables as \`--schema\` (as a user gives a schema dump); squawk has no such input. Generated by \`pnpm bench:lint\` on ${summary.date}, Node ${process.version}.`,
    '',
    `Machine load average while measuring: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} on ${cpus} cores (wall time suffers on a shared machine; CPU time less so).`,
    '',
    '| tool | recall | precision | TP | FP | FN |',
    '|---|---|---|---|---|---|',
    ...tools.map((t) => scoreRow(t, results[t]!)),
    scoreRow('ballast, MySQL/MariaDB files', mysqlScore),
    '',
    ...unseenTable(unseen),
    '',
    ...speedSection(timing),
    '',
    '## ballast on MySQL/MariaDB: missed and false alarms',
    '',
    ...(mysqlScore.misses.length + mysqlScore.falseAlarms.length
      ? [
          ...mysqlScore.misses.map((m) => `- missed ${m}`),
          ...mysqlScore.falseAlarms.map((m) => `- false alarm ${m}`),
        ]
      : ['- none']),
    '',
    ...tools.flatMap((t) => [
      `## ${t}: missed`,
      '',
      ...(results[t]!.misses.length ? results[t]!.misses.map((m) => `- ${m}`) : ['- none']),
      '',
      `## ${t}: false alarms`,
      '',
      ...(results[t]!.falseAlarms.length ? results[t]!.falseAlarms.map((m) => `- ${m}`) : ['- none']),
      '',
    ]),
    ...unseenDetails(unseen),
    '',
  ].join('\n');
  writeFileSync(join(root, 'bench/results/lint.md'), md);
  process.stdout.write(`${md}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
