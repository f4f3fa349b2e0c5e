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
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';

const cpus = availableParallelism();

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BALLAST, SQUAWK, UNSCORED } from './categories.js';
import { type Case, corpus } from './corpus.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const TIME = '/usr/bin/time';
const ballastBin = join(root, 'packages/cli/dist/bin.js');
const squawkBin = join(root, 'node_modules/.bin/squawk');
if (!existsSync(ballastBin)) throw new Error('packages/cli/dist/bin.js is missing: run `pnpm build` first');

type Tool = 'ballast' | 'squawk';
interface Reported {
  file: string;
  rule: string;
}

/** Schema texts → the file each is written to, for `--schema`. */
const schemaFiles = new Map<string, string>();
function schemaFile(text: string): string {
  let file = schemaFiles.get(text);
  if (!file) {
    file = join(SCHEMA_DIR, `schema-${schemaFiles.size}.sql`);
    writeFileSync(file, text);
    schemaFiles.set(text, file);
  }
  return file;
}

function run(
  tool: Tool,
  files: readonly string[],
  c: Pick<Case, 'pgVersion' | 'inTransaction' | 'mysql' | 'schema'>,
) {
  const version = c.pgVersion ?? 15;
  const args =
    tool === 'ballast'
      ? [
          'lint',
          '--format',
          'json',
          ...(c.mysql ? ['--mysql-version', c.mysql] : ['--pg-version', String(version)]),
          ...(c.inTransaction ? ['--assume-in-transaction'] : []),
          // squawk has no way to be told the tables: it reads the file alone.
          ...(c.schema ? ['--schema', schemaFile(c.schema)] : []),
        ]
      : [
          '--reporter',
          'json',
          `--pg-version=${version}.0`,
          ...(c.inTransaction ? ['--assume-in-transaction'] : []),
        ];
  const command = tool === 'ballast' ? [process.execPath, ballastBin] : [squawkBin];
  const { ms, cpuMs, r } = timed([...command, ...args, ...files]);
  if (r.status !== 0 && r.status !== 1) throw new Error(`${tool} failed (${r.status}): ${r.stderr}`);
  const reported: Reported[] =
    tool === 'ballast'
      ? JSON.parse(r.stdout).files.flatMap((f: { path: string; findings: { rule: string }[] }) =>
          f.findings.map((x) => ({ file: f.path, rule: x.rule })),
        )
      : JSON.parse(r.stdout || '[]').map((x: { file: string; rule_name: string }) => ({
          file: x.file,
          rule: x.rule_name,
        }));
  return { ms, cpuMs, reported };
}

/** One process, wall and CPU (user+sys, from /usr/bin/time): the benchmark machine may be shared. */
function timed(argv: readonly string[]) {
  const command = existsSync(TIME) ? [TIME, '-f', '%U %S', '-o', CPU_FILE, ...argv] : [...argv];
  const started = performance.now();
  const r = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - started;
  const cpuMs = existsSync(CPU_FILE)
    ? Math.round(
        readFileSync(CPU_FILE, 'utf8')
          .trim()
          .split('\n')
          .pop()!
          .split(' ')
          .map(Number)
          .reduce((a, b) => a + b, 0) * 1000,
      )
    : undefined;
  return { ms, cpuMs, r };
}

function categoriesOf(tool: Tool, rule: string): readonly string[] {
  if (UNSCORED.has(rule)) return [];
  const mapped = tool === 'ballast' ? (BALLAST[rule] ? [BALLAST[rule]!] : undefined) : SQUAWK[rule];
  // A rule outside the map reports something no label expects: it counts as a false positive.
  return mapped ?? [`unmapped:${rule}`];
}

function score(tool: Tool, cases: readonly Case[], dir: string) {
  const groups = new Map<string, Case[]>();
  for (const c of cases) {
    // squawk knows PostgreSQL only: MySQL/MariaDB cases are scored for ballast alone.
    if (tool === 'squawk' && c.mysql) continue;
    const key = `${c.mysql ?? c.pgVersion ?? 15}/${c.inTransaction ?? false}/${c.schema ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const misses: string[] = [];
  const falseAlarms: string[] = [];
  for (const group of groups.values()) {
    const files = group.map((c) => join(dir, `${c.name}.sql`));
    const { reported } = run(tool, files, group[0]!);
    group.forEach((c, i) => {
      const got = new Set(
        reported.filter((r) => r.file === files[i]).flatMap((r) => categoriesOf(tool, r.rule)),
      );
      const expected = new Set(c.expected);
      // A multi-operation rule (squawk's constraint-missing-not-valid) counts once, for what was expected.
      for (const e of expected) {
        if (got.has(e)) tp++;
        else {
          fn++;
          misses.push(`${c.name}: ${e}`);
        }
      }
      const spurious = [...got].filter((g) => !expected.has(g));
      const covered = (g: string) =>
        tool === 'squawk' &&
        Object.values(SQUAWK).some(
          (cats) => cats.includes(g) && cats.some((x) => expected.has(x) && got.has(x)),
        );
      for (const g of spurious.filter((g) => !covered(g))) {
        fp++;
        falseAlarms.push(`${c.name}: ${g}`);
      }
    });
  }
  return {
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    recall: tp / (tp + fn),
    precision: tp / (tp + fp || 1),
    misses,
    falseAlarms,
  };
}

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
      const { ms, cpuMs, r } = timed(argv);
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
const SCHEMA_DIR = join(dir, 'schemas');
mkdirSync(SCHEMA_DIR);
try {
  for (const c of cases) writeFileSync(join(dir, `${c.name}.sql`), c.sql);
  const many = join(dir, 'thousand');
  mkdirSync(many);
  const tools: Tool[] = ['ballast', 'squawk'];
  const results = Object.fromEntries(
    tools.map((tool) => [
      tool,
      score(
        tool,
        cases.filter((c) => !c.mysql),
        dir,
      ),
    ]),
  );
  const timing = speed(dir, thousandFiles(cases, many));
  // MySQL/MariaDB: ballast alone (squawk has no MySQL mode).
  const mysqlScore = score(
    'ballast',
    cases.filter((c) => c.mysql),
    dir,
  );
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
    speed: timing,
  };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/lint.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
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
    ...tools.map((t) => {
      const r = results[t]!;
      return `| ${t} | ${pct(r.recall)} | ${pct(r.precision)} | ${r.truePositives} | ${r.falsePositives} | ${r.falseNegatives} |`;
    }),
    `| ballast, MySQL/MariaDB files | ${pct(mysqlScore.recall)} | ${pct(mysqlScore.precision)} | ${mysqlScore.truePositives} | ${mysqlScore.falsePositives} | ${mysqlScore.falseNegatives} |`,
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
  ].join('\n');
  writeFileSync(join(root, 'bench/results/lint.md'), md);
  process.stdout.write(`${md}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
