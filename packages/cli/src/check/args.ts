/** `ballast plan` / `ballast check` options → typed settings; usage errors are UsageError (exit 2). */
import { parseArgs } from 'node:util';
import { UsageError } from '../lint-args.js';

export const PLAN_USAGE = `usage: ballast plan <knex migrations dir> [options]

What each pending migration (a file the target's knex_migrations does not list) would do,
statement by statement: the locks it takes, how long it holds them, table rewrites and
sequential scans. Measured by applying the migrations to a throwaway copy of the target
(the target itself is never changed), dropped afterwards.

options:
  --database-url URL   the target database (default: $DATABASE_URL); its password is never printed
  --sample-rows N      rows copied per table when the copy is made with pg_dump (default 1000)
  --pg-dump PATH       the pg_dump binary, at least as new as the server (default: pg_dump on PATH)
  --json               the report as JSON
  -h, --help           this help
`;

export const CHECK_USAGE = `usage: ballast check <knex migrations dir> [options]

The pre-deploy check, for CI: lints the pending migrations, applies them to a throwaway copy of
the target with a lock trace of every statement, estimates durations and lock holds at the
target's row counts, runs up → down → up comparing the schemas, and flags an expand and its
contract in the same release. The copy is dropped afterwards (also on failure and Ctrl-C).

options:
  --database-url URL   the target database (default: $DATABASE_URL); its password is never printed
  --lock-budget D      longest acceptable hold of a lock that blocks writes, e.g. 2s, 500ms (default 2s)
  --sample-rows N      rows copied per table when the copy is made with pg_dump (default 1000)
  --pg-dump PATH       the pg_dump binary, at least as new as the server (default: pg_dump on PATH)
  --json               the report as JSON
  --markdown           a Markdown summary (for a CI job summary or a pull-request comment)
  -h, --help           this help

exit status: 0 when nothing blocks the deploy, 1 on a blocking finding, 2 on usage errors or
when the check could not run (no database, no pg_dump).
`;

export interface CheckArgs {
  readonly dir: string;
  readonly databaseUrl: string;
  readonly lockBudgetMs: number;
  readonly sampleRows: number;
  readonly pgDump: string;
  readonly format: 'text' | 'json' | 'markdown';
}

/** `2s`, `500ms`, `1.5s`, `1m` → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text.trim());
  if (!m) throw new UsageError(`--lock-budget ${text}: use a duration such as 2s, 500ms or 1m`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2] as 'ms' | 's' | 'm'];
}

/** Returns undefined for --help (the caller prints the usage). */
export function parseCheckArgs(argv: readonly string[], command: 'plan' | 'check'): CheckArgs | undefined {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return undefined;
  if (parsed.positionals.length !== 1) throw new UsageError('give exactly one Knex migrations directory');
  if (command === 'plan' && (v.markdown || v['lock-budget']))
    throw new UsageError('--markdown and --lock-budget are options of ballast check');
  const databaseUrl = v['database-url'] ?? process.env.DATABASE_URL;
  if (!databaseUrl) throw new UsageError('no target database: pass --database-url or set DATABASE_URL');
  try {
    new URL(databaseUrl);
  } catch {
    throw new UsageError('--database-url is not a URL (postgres://user:password@host:port/database)');
  }
  if (/^(mysql|mariadb):/i.test(databaseUrl))
    throw new UsageError(
      `runs on PostgreSQL only, not on ${databaseUrl.split(':')[0]}://: ${command} copies the database with pg_dump and measures PostgreSQL locks`,
    );
  const sampleRows = Number(v['sample-rows'] ?? 1000);
  if (!Number.isInteger(sampleRows) || sampleRows < 0)
    throw new UsageError(`--sample-rows ${v['sample-rows']}: use a whole number >= 0`);
  if (v.json && v.markdown) throw new UsageError('--json and --markdown exclude each other');
  return {
    dir: parsed.positionals[0]!,
    databaseUrl,
    lockBudgetMs: parseDuration(v['lock-budget'] ?? '2s'),
    sampleRows,
    pgDump: v['pg-dump'] ?? 'pg_dump',
    format: v.json ? 'json' : v.markdown ? 'markdown' : 'text',
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      'database-url': { type: 'string' },
      'lock-budget': { type: 'string' },
      'sample-rows': { type: 'string' },
      'pg-dump': { type: 'string' },
      json: { type: 'boolean' },
      markdown: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
