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

function run(tool: Tool, files: readonly string[], c: Pick<Case, 'pgVersion' | 'inTransaction' | 'mysql'>) {
  const version = c.pgVersion ?? 15;
  const args =
    tool === 'ballast'
      ? [
          'lint',
          '--format',
          'json',
          ...(c.mysql ? ['--mysql-version', c.mysql] : ['--pg-version', String(version)]),
          ...(c.inTransaction ? ['--assume-in-transaction'] : []),
        ]
      : [
          '--reporter',
          'json',
          `--pg-version=${version}.0`,
          ...(c.inTransaction ? ['--assume-in-transaction'] : []),
        ];
  const command = tool === 'ballast' ? process.execPath : squawkBin;
  // CPU seconds (user+sys) next to wall time: the benchmark machine may be shared.
  const timed = existsSync(TIME) ? [TIME, '-f', '%U %S', '-o', CPU_FILE, command] : [command];
  const started = performance.now();
  const r = spawnSync(
    timed[0]!,
    [...timed.slice(1), ...(tool === 'ballast' ? [ballastBin] : []), ...args, ...files],
    {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    },
  );
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
    const key = `${c.mysql ?? c.pgVersion ?? 15}/${c.inTransaction ?? false}`;
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

function timeThousand(tool: Tool, cases: readonly Case[], dir: string) {
  const plain = cases.filter((c) => !c.pgVersion && !c.inTransaction && !c.mysql);
  const files: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const c = plain[i % plain.length]!;
    const file = join(dir, `${String(i).padStart(4, '0')}_${c.name}.sql`);
    writeFileSync(file, `-- generated ${i}\n${c.sql}`);
    files.push(file);
  }
  const runs = [0, 1, 2].map(() => run(tool, files, {}));
  return {
    files: files.length,
    runsMs: runs.map((r) => Math.round(r.ms)),
    medianMs: median(runs.map((r) => r.ms)),
    medianCpuMs: runs.every((r) => r.cpuMs !== undefined) ? median(runs.map((r) => r.cpuMs!)) : undefined,
  };
}

const median = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);

/** One invocation on one file, five times: what an editor or a pre-commit hook pays per file. */
function timeSingle(tool: Tool, file: string) {
  const runs = [0, 1, 2, 3, 4].map(() => run(tool, [file], {}));
  return {
    medianMs: median(runs.map((r) => r.ms)),
    medianCpuMs: runs.every((r) => r.cpuMs !== undefined) ? median(runs.map((r) => r.cpuMs!)) : undefined,
  };
}

function nodeFloorMs(): number {
  const runs = [0, 1, 2, 3, 4].map(() => {
    const started = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    return performance.now() - started;
  });
  return median(runs);
}

const cases = corpus();
const dir = mkdtempSync(join(tmpdir(), 'ballast-bench-lint-'));
const CPU_FILE = join(dir, 'cpu.txt');
try {
  for (const c of cases) writeFileSync(join(dir, `${c.name}.sql`), c.sql);
  const many = join(dir, 'thousand');
  mkdirSync(many);
  const tools: Tool[] = ['ballast', 'squawk'];
  const results = Object.fromEntries(
    tools.map((tool) => [
      tool,
      {
        ...score(
          tool,
          cases.filter((c) => !c.mysql),
          dir,
        ),
        thousandFiles: timeThousand(tool, cases, many),
        singleFile: {
          clean: timeSingle(tool, join(dir, 'safe-add-nullable.sql')),
          withPlannedFix: timeSingle(tool, join(dir, 'rails-style-add-reference.sql')),
        },
      },
    ]),
  );
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
    nodeStartMs: nodeFloorMs(),
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
  };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/lint.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const md = [
    `# ballast lint vs ${squawkVersion}`,
    '',
    `Corpus: ${summary.corpus.files} files (${summary.corpus.files - summary.corpus.mysql} PostgreSQL, ${summary.corpus.mysql} MySQL/MariaDB; ${summary.corpus.unsafe} unsafe, ${summary.corpus.expectedDetections} expected detections). ${summary.corpus.serverChecked} PostgreSQL cases (bench/lint/server-corpus.ts) have their verdict checked on PostgreSQL 15/18, facts in bench/lint/server-facts.json (packages/core/test/lint-corpus-facts.test.ts). squawk is scored on the PostgreSQL files only. Generated by \`pnpm bench:lint\` on ${summary.date}, Node ${process.version}.`,
    '',
    `Machine load average while measuring: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} on ${cpus} cores (wall time suffers on a shared machine; CPU time less so).`,
    '',
    '| tool | recall | precision | TP | FP | FN | 1,000 files: wall (median of 3) | 1,000 files: CPU user+sys |',
    '|---|---|---|---|---|---|---|---|',
    ...tools.map((t) => {
      const r = results[t]!;
      const cpu = r.thousandFiles.medianCpuMs;
      return `| ${t} | ${pct(r.recall)} | ${pct(r.precision)} | ${r.truePositives} | ${r.falsePositives} | ${r.falseNegatives} | ${(r.thousandFiles.medianMs / 1000).toFixed(2)} s | ${cpu === undefined ? 'n/a' : `${(cpu / 1000).toFixed(2)} s`} |`;
    }),
    `| ballast, MySQL/MariaDB files | ${pct(mysqlScore.recall)} | ${pct(mysqlScore.precision)} | ${mysqlScore.truePositives} | ${mysqlScore.falsePositives} | ${mysqlScore.falseNegatives} | | |`,
    '',
    `Single-file invocation (median of 5; \`node -e 0\` takes ${summary.nodeStartMs} ms here):`,
    '',
    '| tool | clean file: wall | clean file: CPU | file with a planned fix: wall | …: CPU |',
    '|---|---|---|---|---|',
    ...tools.map((t) => {
      const { clean, withPlannedFix: fix } = results[t]!.singleFile;
      const ms = (x: number | undefined) => (x === undefined ? 'n/a' : `${x} ms`);
      return `| ${t} | ${ms(clean.medianMs)} | ${ms(clean.medianCpuMs)} | ${ms(fix.medianMs)} | ${ms(fix.medianCpuMs)} |`;
    }),
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
