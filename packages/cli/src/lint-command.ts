/** `ballast lint`: inputs → lintSql per file → report; `--fix` writes the planned rewrite. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  BallastError,
  type FileReport,
  type Finding,
  followUpMigrationDir,
  formatReport,
  type LintOptions,
  lintSql,
  loadLintFixes,
  loadPgParser,
  parseMysqlVersion,
  readSchema,
  renderFixedFile,
} from '@ballast/core/lint';
import type { CapturedSql } from './knex-capture.js';
import { LINT_USAGE, type LintArgs, parseLintArgs, UsageError } from './lint-args.js';
import { collectInputs, InputError, type LintInput } from './lint-inputs.js';

export interface Io {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

export async function runLint(argv: readonly string[], io: Io): Promise<number> {
  let args: LintArgs;
  let inputs: LintInput[];
  let skippedKnex: readonly string[];
  try {
    args = parseLintArgs(argv);
    if (args.help) {
      io.stdout.write(LINT_USAGE);
      return 0;
    }
    ({ inputs, skippedKnex } = collectInputs(args.paths, args));
  } catch (err) {
    if (err instanceof UsageError || err instanceof InputError) {
      io.stderr.write(`ballast lint: ${err.message}\n${err instanceof UsageError ? LINT_USAGE : ''}`);
      return 2;
    }
    throw err;
  }
  if (skippedKnex.length) io.stderr.write(knexHint(skippedKnex, args.paths));
  if (inputs.some((i) => (i.dialect ?? args.dialect) === 'postgres')) await loadPgParser();
  // core/translate (every planner, zod) costs more than the whole lint of a file: findings carry
  // their fix text only when --fix asks for the rewrite.
  if (args.fix) await loadLintFixes();
  const mysql = parseMysqlVersion(args.mysqlVersion);
  if (args.schema && args.dialect === 'postgres') await loadPgParser();
  const schema = args.schema ? readSchemaFile(args.schema, { dialect: args.dialect, mysql }) : undefined;
  if (schema === null) {
    io.stderr.write(`ballast lint: --schema ${args.schema}: no such file\n`);
    return 2;
  }
  const base: Partial<LintOptions> = {
    pgVersion: args.pgVersion,
    mysql,
    ...(schema ? { knownColumns: schema } : {}),
  };
  const knexFiles = inputs.filter((i) => i.kind === 'knex').map((i) => i.path);
  // Loaded only for --knex: knex and a database driver are not needed to lint SQL files.
  let captured = new Map<string, CapturedSql>();
  try {
    if (knexFiles.length) {
      captured = await (await import('./knex-capture.js')).captureKnexSql(knexFiles, args.databaseUrl);
      await loadLintFixes();
    }
  } catch (err) {
    // No server, or a file that is not a migration: say so and what to do, not a stack trace.
    if (!(err instanceof BallastError)) throw err;
    io.stderr.write(`ballast lint: ${err.message}\n`);
    return 2;
  }
  const reports: FileReport[] = [];
  for (const input of inputs) {
    const options = { ...base, dialect: input.dialect ?? args.dialect, transaction: input.transaction };
    if (input.kind === 'knex') {
      reports.push(lintKnex(input, captured.get(resolve(input.path))!, options));
      continue;
    }
    const text = readFileSync(input.path, 'utf8');
    let result = lintSql(text, options);
    // Only files with a statement to replace are rewritten: a lone text fix (lock_timeout) would
    // change the checksum of every migration already applied (Prisma, Flyway) for a warning.
    const fixed = args.fix && result.fixes.size > 0 ? renderFixedFile(result, text) : undefined;
    if (fixed) {
      writeFileSync(input.path, fixed.text);
      result = lintSql(fixed.text, options);
      io.stderr.write(fixSummary(input.path, fixed.resolved, result.parsed.statements.length));
      writeOutside(input, fixed.outside, io);
    }
    reports.push({ path: input.path, findings: result.findings });
  }
  io.stdout.write(formatReport(args.format, reports, { color: args.format === 'text' && isTty(io.stdout) }));
  return reports.some((r) => r.findings.some((f) => f.severity === 'error')) ? 1 : 0;
}

/** The --schema file's columns; null when it cannot be read. */
function readSchemaFile(path: string, options: Partial<LintOptions>) {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  return readSchema(text, options);
}

const isTty = (stream: unknown) => Boolean((stream as { isTTY?: boolean }).isTTY);

/**
 * Steps that cannot run inside the tool's transaction: for Prisma, one new migration folder per
 * statement right after this one (a one-statement migration.sql runs outside a transaction);
 * otherwise a sibling file `<name>.outside-transaction.sql` to run with autocommit.
 */
function writeOutside(input: LintInput, statements: readonly string[], io: Io): void {
  if (statements.length === 0) return;
  if (input.kind === 'prisma') {
    statements.forEach((sql, i) => {
      const target = followUpMigrationDir(dirname(input.path), i + 1);
      mkdirSync(target, { recursive: true });
      writeFileSync(join(target, 'migration.sql'), `${sql}\n`);
      io.stderr.write(
        `ballast lint --fix: wrote ${join(target, 'migration.sql')} (1 statement, runs outside a transaction)\n`,
      );
    });
    return;
  }
  const target = input.path.replace(/\.sql$/i, '.outside-transaction.sql');
  writeFileSync(
    target,
    `-- ballast: run after ${basename(input.path)}, outside any transaction\n${statements.join('\n')}\n`,
  );
  io.stderr.write(
    `ballast lint --fix: wrote ${target} (${plural(statements.length, 'statement')}, run it outside a transaction)\n`,
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What --fix resolved in a file and what it wrote there. */
function fixSummary(path: string, resolved: readonly Finding[], statements: number): string {
  const lines = resolved.map((f) => `  ${path}:${f.line}:${f.column} ${f.rule}`);
  return `ballast lint --fix: fixed ${plural(resolved.length, 'finding')}:\n${lines.join('\n')}\nballast lint --fix: wrote ${path} (${plural(statements, 'statement')})\n`;
}

/** A folder walk met Knex migration files: say how to lint them rather than silently skip them. */
function knexHint(files: readonly string[], paths: readonly string[]): string {
  const list = files.slice(0, 3).join(', ') + (files.length > 3 ? ', …' : '');
  return `ballast lint: skipped ${plural(files.length, 'Knex migration file')} (${list}): they are linted by running them on a throwaway database:\n  ballast lint --knex ${paths.join(' ')}   (with --database-url URL, or BALLAST_LINT_DATABASE_URL or DATABASE_URL set)\n`;
}

/** Findings of captured Knex SQL; fix text once loadLintFixes() ran (runLint does for --knex). */
export function lintKnex(input: LintInput, captured: CapturedSql, options: Partial<LintOptions>): FileReport {
  const result = lintSql(captured.sql, {
    ...options,
    transaction: captured.transaction ? 'wrapped' : 'none',
  });
  return {
    path: input.path,
    // The SQL came from running the file: positions refer to the captured statements, so each
    // message says which statement, and the line is the migration's first line.
    findings: result.findings.map((f) => ({
      ...f,
      message: `${f.message} (statement ${captured.statementAt(f.line)} emitted by up())`,
      line: 1,
      column: 1,
    })),
  };
}
