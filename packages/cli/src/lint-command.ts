/** `ballast lint`: inputs → lintSql per file → report; `--fix` writes the planned rewrite. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  BallastError,
  type FileReport,
  formatReport,
  type LintOptions,
  lintSql,
  loadPgParser,
  parseMysqlVersion,
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
  try {
    args = parseLintArgs(argv);
    if (args.help) {
      io.stdout.write(LINT_USAGE);
      return 0;
    }
    inputs = collectInputs(args.paths, args);
  } catch (err) {
    if (err instanceof UsageError || err instanceof InputError) {
      io.stderr.write(`ballast lint: ${err.message}\n${err instanceof UsageError ? LINT_USAGE : ''}`);
      return 2;
    }
    throw err;
  }
  if (args.dialect === 'postgres') await loadPgParser();
  const base: Partial<LintOptions> = {
    dialect: args.dialect,
    pgVersion: args.pgVersion,
    mysql: parseMysqlVersion(args.mysqlVersion),
  };
  const knexFiles = inputs.filter((i) => i.kind === 'knex').map((i) => i.path);
  // Loaded only for --knex: knex and a database driver are not needed to lint SQL files.
  let captured = new Map<string, CapturedSql>();
  try {
    if (knexFiles.length)
      captured = await (await import('./knex-capture.js')).captureKnexSql(knexFiles, args.databaseUrl);
  } catch (err) {
    // No server, or a file that is not a migration: say so and what to do, not a stack trace.
    if (!(err instanceof BallastError)) throw err;
    io.stderr.write(`ballast lint: ${err.message}\n`);
    return 2;
  }
  const reports: FileReport[] = [];
  for (const input of inputs) {
    const options = { ...base, transaction: input.transaction };
    if (input.kind === 'knex') {
      reports.push(lintKnex(input, captured.get(resolve(input.path))!, options));
      continue;
    }
    const text = readFileSync(input.path, 'utf8');
    let result = lintSql(text, options);
    if (args.fix && result.fixes.size > 0) {
      const fixed = renderFixedFile(result, text);
      writeFileSync(input.path, fixed.text);
      writeOutside(input, fixed.outside, io);
      result = lintSql(fixed.text, options);
    }
    reports.push({ path: input.path, findings: result.findings });
  }
  io.stdout.write(formatReport(args.format, reports, { color: args.format === 'text' && isTty(io.stdout) }));
  return reports.some((r) => r.findings.some((f) => f.severity === 'error')) ? 1 : 0;
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
    const dir = dirname(input.path);
    statements.forEach((sql, i) => {
      const target = join(dirname(dir), `${basename(dir)}_ballast_${String(i + 1).padStart(2, '0')}`);
      mkdirSync(target, { recursive: true });
      writeFileSync(join(target, 'migration.sql'), `${sql}\n`);
      io.stderr.write(
        `ballast lint --fix: wrote ${join(target, 'migration.sql')} (runs outside a transaction)\n`,
      );
    });
    return;
  }
  const target = input.path.replace(/\.sql$/i, '.outside-transaction.sql');
  writeFileSync(
    target,
    `-- ballast: run after ${basename(input.path)}, outside any transaction\n${statements.join('\n')}\n`,
  );
  io.stderr.write(`ballast lint --fix: wrote ${target} (run it outside a transaction)\n`);
}

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
