/**
 * Scoring shared by `pnpm bench:lint` (run.ts) and the unseen-corpus run (unseen-run.ts): each
 * tool is run once per group of cases with the same options, its findings are mapped onto the
 * operations of categories.ts, and recall/precision are counted per expected operation.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BALLAST, SQUAWK, UNSCORED } from './categories.js';
import type { Case } from './corpus.js';

export const root = fileURLToPath(new URL('../../', import.meta.url));
const TIME = '/usr/bin/time';
export const ballastBin = join(root, 'packages/cli/dist/bin.js');
export const squawkBin = join(root, 'node_modules/.bin/squawk');

export type Tool = 'ballast' | 'squawk';
interface Reported {
  file: string;
  rule: string;
}

/** Where one bench run keeps its files: the cases, `--schema` files, and /usr/bin/time's output. */
export interface BenchDirs {
  readonly dir: string;
  readonly schemaDir: string;
  readonly cpuFile: string;
}

/** Schema texts → the file each is written to, for `--schema`. */
const schemaFiles = new Map<string, string>();
function schemaFile(dirs: BenchDirs, text: string): string {
  let file = schemaFiles.get(text);
  if (!file) {
    file = join(dirs.schemaDir, `schema-${schemaFiles.size}.sql`);
    writeFileSync(file, text);
    schemaFiles.set(text, file);
  }
  return file;
}

function run(
  dirs: BenchDirs,
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
          ...(c.schema ? ['--schema', schemaFile(dirs, c.schema)] : []),
        ]
      : [
          '--reporter',
          'json',
          `--pg-version=${version}.0`,
          ...(c.inTransaction ? ['--assume-in-transaction'] : []),
        ];
  const command = tool === 'ballast' ? [process.execPath, ballastBin] : [squawkBin];
  const { ms, cpuMs, r } = timed([...command, ...args, ...files], dirs.cpuFile);
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
export function timed(argv: readonly string[], cpuFile: string) {
  const command = existsSync(TIME) ? [TIME, '-f', '%U %S', '-o', cpuFile, ...argv] : [...argv];
  const started = performance.now();
  const r = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - started;
  const cpuMs = existsSync(cpuFile)
    ? Math.round(
        readFileSync(cpuFile, 'utf8')
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

export interface Score {
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  readonly recall: number;
  readonly precision: number;
  readonly misses: readonly string[];
  readonly falseAlarms: readonly string[];
}

/** The cases must already be written to `dirs.dir` as `<name>.sql`. */
export function score(dirs: BenchDirs, tool: Tool, cases: readonly Case[]): Score {
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
    const files = group.map((c) => join(dirs.dir, `${c.name}.sql`));
    const { reported } = run(dirs, tool, files, group[0]!);
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
      // What the file cannot decide (unseen corpus: the old column type is not in it) is neither.
      const spurious = [...got].filter((g) => !expected.has(g) && !c.unknown?.includes(g));
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

export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** One markdown table row: `| name | recall | precision | TP | FP | FN |`. */
export function scoreRow(name: string, r: Score): string {
  return `| ${name} | ${pct(r.recall)} | ${pct(r.precision)} | ${r.truePositives} | ${r.falsePositives} | ${r.falseNegatives} |`;
}
