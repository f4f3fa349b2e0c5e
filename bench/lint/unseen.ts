/**
 * The unseen corpus: migrations written by others (public repositories, each file as its authors
 * wrote it, first line naming its source), labelled in unseen/labels.json with the operations a
 * careful DBA would call unsafe on a large, busy table. Kept apart from corpus.ts, which the rules
 * were tuned on, so its score says how ballast does on material it was not built on.
 *
 * `unknown` lists what the file alone cannot decide (a MySQL MODIFY whose old type is not in the
 * file): a finding of that operation counts neither as hit nor as false alarm.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Case } from './corpus.js';
import { type BenchDirs, type Score, score, scoreRow } from './score.js';

interface Label {
  readonly file: string;
  readonly expected: readonly string[];
  readonly unknown?: readonly string[];
  readonly inTransaction?: boolean;
  readonly pgVersion?: number;
  readonly mysql?: string;
  readonly note?: string;
}

const DIR = new URL('./unseen/', import.meta.url);

export function unseenCorpus(): Case[] {
  const labels = JSON.parse(readFileSync(new URL('labels.json', DIR), 'utf8')) as Label[];
  return labels.map((l) => ({
    name: `unseen-${l.file.split('/')[0]}-${basename(l.file, '.sql')}`,
    sql: readFileSync(new URL(l.file, DIR), 'utf8'),
    expected: l.expected,
    ...(l.unknown ? { unknown: l.unknown } : {}),
    ...(l.inTransaction ? { inTransaction: true } : {}),
    ...(l.pgVersion ? { pgVersion: l.pgVersion } : {}),
    ...(l.mysql ? { mysql: l.mysql } : {}),
  }));
}

export interface UnseenScores {
  readonly files: { readonly postgres: number; readonly mysql: number };
  readonly ballast: Score;
  readonly squawk: Score;
  readonly ballastMysql: Score;
}

/** Writes the unseen cases into `dirs.dir` and scores both tools on them. */
export function scoreUnseen(dirs: BenchDirs): UnseenScores {
  const cases = unseenCorpus();
  for (const c of cases) writeFileSync(join(dirs.dir, `${c.name}.sql`), c.sql);
  const pg = cases.filter((c) => !c.mysql);
  const mysql = cases.filter((c) => c.mysql);
  return {
    files: { postgres: pg.length, mysql: mysql.length },
    ballast: score(dirs, 'ballast', pg),
    squawk: score(dirs, 'squawk', pg),
    ballastMysql: score(dirs, 'ballast', mysql),
  };
}

const list = (xs: readonly string[]) => (xs.length ? xs.map((x) => `- ${x}`) : ['- none']);

/**
 * The first score, before any rule was changed for this corpus: ballast at commit 57b5271 scored
 * with today's categories on today's files (squawk 2.66.0 has not changed, so it has no such row),
 * kept so the table below is read against it.
 */
const FIRST_SCORE = [
  '| ballast, PostgreSQL (first score) | 97.6% | 96.8% | 120 | 4 | 3 |',
  '| ballast, MySQL/MariaDB (first score) | 95.5% | 87.5% | 21 | 3 | 1 |',
];

/** The scores, for the top of bench/results/lint.md. */
export function unseenTable(s: UnseenScores): string[] {
  return [
    '## Unseen corpus: migrations written by others',
    '',
    `${s.files.postgres} PostgreSQL and ${s.files.mysql} MySQL/MariaDB files from public projects under permissive licences (crates.io, umami, temporal, openfga, ory/kratos) and squawk's own rule tests, kept as their authors wrote them (first line: their source), in bench/lint/unseen/; labels, the runner's transaction mode and the reason for each non-obvious verdict in bench/lint/unseen/labels.json. Labelled from the SQL alone (exceptions noted there). "First score" rows: before any change made for this corpus.`,
    '',
    '| tool | recall | precision | TP | FP | FN |',
    '|---|---|---|---|---|---|',
    ...FIRST_SCORE,
    scoreRow('ballast, PostgreSQL', s.ballast),
    scoreRow('squawk, PostgreSQL', s.squawk),
    scoreRow('ballast, MySQL/MariaDB', s.ballastMysql),
  ];
}

/** What each tool missed and flagged wrongly on the unseen corpus. */
export function unseenDetails(s: UnseenScores): string[] {
  return [
    '## Unseen corpus, ballast: missed',
    '',
    ...list([...s.ballast.misses, ...s.ballastMysql.misses]),
    '',
    '## Unseen corpus, ballast: false alarms',
    '',
    ...list([...s.ballast.falseAlarms, ...s.ballastMysql.falseAlarms]),
    '',
    '## Unseen corpus, squawk: missed',
    '',
    ...list(s.squawk.misses),
    '',
    '## Unseen corpus, squawk: false alarms',
    '',
    ...list(s.squawk.falseAlarms),
  ];
}
