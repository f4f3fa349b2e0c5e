/**
 * `ballast plan` and `ballast check` (check/ holds the pieces). plan: the pending migrations
 * applied once to a throwaway copy with a lock trace. check: the same, plus the linter, up → down
 * → up with schema comparison, estimates at the target's row counts against a lock budget, and
 * expand + contract in one release; exit 1 on a blocking finding.
 */
import { BallastError } from '@ballast/core';
import { applyPending } from './check/apply.js';
import { CHECK_USAGE, type CheckArgs, PLAN_USAGE, parseCheckArgs } from './check/args.js';
import { outcomeFindings, statementReports, traceFindings } from './check/findings.js';
import { expandContractFindings, expansionsMark, lintFindings } from './check/release.js';
import { type CheckReport, formatReport } from './check/report.js';
import { withCopy } from './check/session.js';
import { connectPg, maskSecrets, maskUrl } from './check/url.js';
import { UsageError } from './lint-args.js';
import type { Io } from './lint-command.js';

export const runPlanCommand = (argv: readonly string[], io: Io) => runCommand('plan', argv, io);
export const runCheck = (argv: readonly string[], io: Io) => runCommand('check', argv, io);

async function runCommand(command: 'plan' | 'check', argv: readonly string[], io: Io): Promise<number> {
  const usage = command === 'plan' ? PLAN_USAGE : CHECK_USAGE;
  let args: CheckArgs | undefined;
  try {
    args = parseCheckArgs(argv, command);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`ballast ${command}: ${err.message}\n${usage}`);
    return 2;
  }
  if (!args) {
    io.stdout.write(usage);
    return 0;
  }
  try {
    const report = await (command === 'plan' ? plan(args) : check(args));
    io.stdout.write(formatReport(report, args.format));
    return report.blocking ? 1 : 0;
  } catch (err) {
    // No server, no pg_dump, not a migrations directory: what failed and what to do, no stack
    // trace, and never the password (driver messages may quote the URL).
    if (!(err instanceof BallastError) && !(err as { code?: string }).code) throw err;
    io.stderr.write(`ballast ${command}: ${maskSecrets((err as Error).message, args.databaseUrl)}\n`);
    return 2;
  }
}

async function plan(args: CheckArgs): Promise<CheckReport> {
  const { pending, result } = await withCopy(args, async (s) => {
    const outcomes = await applyPending(s.copy.url, s.dir, s.pending, s.tracer, false);
    return {
      copy: s.method,
      statements: statementReports(s.tracer.statements, s.rows),
      findings: outcomeFindings(outcomes),
    };
  });
  const findings = result?.findings ?? [];
  return {
    command: 'plan',
    target: maskUrl(args.databaseUrl),
    ...(result ? { copy: result.copy } : {}),
    pending,
    statements: result?.statements ?? [],
    findings,
    blocking: findings.length > 0,
  };
}

async function check(args: CheckArgs): Promise<CheckReport> {
  const { pending, result } = await withCopy(args, async (s) => {
    const client = await connectPg(s.copy.url);
    try {
      const mark = await expansionsMark(client);
      const version = await client.query<{ v: number }>(
        `select current_setting('server_version_num')::int as v`,
      );
      const outcomes = await applyPending(s.copy.url, s.dir, s.pending, s.tracer, true);
      const lint = await lintFindings(s.dir, outcomes, Math.floor(version.rows[0]!.v / 10000));
      const statements = statementReports(s.tracer.statements, s.rows);
      return {
        copy: s.method,
        statements,
        findings: [
          ...lint,
          ...traceFindings(statements, args.lockBudgetMs),
          ...outcomeFindings(outcomes),
          ...(await expandContractFindings(client, mark)),
        ],
      };
    } finally {
      await client.end();
    }
  });
  const findings = result?.findings ?? [];
  return {
    command: 'check',
    target: maskUrl(args.databaseUrl),
    ...(result ? { copy: result.copy } : {}),
    lockBudgetMs: args.lockBudgetMs,
    pending,
    statements: result?.statements ?? [],
    findings,
    blocking: findings.some((f) => f.severity === 'error'),
  };
}
