/** `ballast lint` options → typed settings. Usage errors are thrown as UsageError (exit 2). */
import { parseArgs } from 'node:util';
import {
  BallastError,
  InvalidArgumentError,
  type LintDialect,
  type OutputFormat,
  parseMysqlVersion,
  parsePgVersion,
} from '@ballast/core/lint';

export const LINT_USAGE = `usage: ballast lint [options] <paths...>

Paths are .sql files, directories (searched for .sql files), Prisma migration folders
(prisma/migrations/*/migration.sql, in the dialect migration_lock.toml names) and, with
--knex, Knex migration files (a directory walk without --knex names the ones it skips).

options:
  --dialect postgres|mysql    SQL dialect (default postgres; mysql when --mysql-version is given)
  --pg-version N              PostgreSQL major version the migrations run on (default 15)
  --mysql-version V           e.g. 8.0.36, mysql-8.4, mariadb-10.11 (flavor and version)
  --schema FILE               the schema before the migrations run (pg_dump --schema-only,
                              mysqldump --no-data, or the CREATE TABLEs of earlier migrations):
                              type changes are judged against the columns' real types
  --assume-in-transaction     the runner wraps each file in one transaction (Knex default);
                              Prisma migration.sql files are treated so automatically
  --knex                      also lint Knex migration files (.js/.ts/.mjs/.cjs) by running them
                              against a throwaway database and capturing the SQL they emit
  --database-url URL          the PostgreSQL server --knex creates its throwaway database on
                              (default: BALLAST_LINT_DATABASE_URL, then DATABASE_URL)
  --fix                       rewrite files into the safe sequence planned by @ballast/core;
                              says on stderr which findings it fixed and which files it wrote
  --format text|json|sarif|github   output format (default text)
  -h, --help                  this help

exit status: 0 when no error-severity finding remains, 1 otherwise, 2 on usage errors.
`;

/** Wrong command line: printed with the usage text, exit code 2. */
export class UsageError extends BallastError {
  override readonly name = 'UsageError';
}

export interface LintArgs {
  readonly paths: readonly string[];
  readonly dialect: LintDialect;
  readonly pgVersion: number;
  readonly mysqlVersion: string;
  readonly assumeInTransaction: boolean;
  readonly schema: string | undefined;
  readonly knex: boolean;
  readonly databaseUrl: string | undefined;
  readonly fix: boolean;
  readonly format: OutputFormat;
  readonly help: boolean;
}

const FORMATS = ['text', 'json', 'sarif', 'github'];

export function parseLintArgs(argv: readonly string[]): LintArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  const format = v.format ?? 'text';
  if (!FORMATS.includes(format)) throw new UsageError(`--format ${format}: use one of ${FORMATS.join(', ')}`);
  const dialect = v.dialect ?? (v['mysql-version'] ? 'mysql' : 'postgres');
  if (dialect !== 'postgres' && dialect !== 'mysql')
    throw new UsageError(`--dialect ${dialect}: use postgres or mysql`);
  let pgVersion = 15;
  try {
    if (v['pg-version']) pgVersion = parsePgVersion(v['pg-version']);
    if (v['mysql-version']) parseMysqlVersion(v['mysql-version']);
  } catch (err) {
    if (!(err instanceof InvalidArgumentError)) throw err;
    throw new UsageError(`${err.argument} ${err.given}: use ${err.allowed}`);
  }
  if (!v.help && parsed.positionals.length === 0) throw new UsageError('no paths given');
  return {
    paths: parsed.positionals,
    dialect,
    pgVersion,
    mysqlVersion: v['mysql-version'] ?? 'mysql-8.0.36',
    assumeInTransaction: v['assume-in-transaction'] ?? false,
    schema: v.schema,
    knex: v.knex ?? false,
    databaseUrl: v['database-url'] ?? process.env.BALLAST_LINT_DATABASE_URL,
    fix: v.fix ?? false,
    format: format as OutputFormat,
    help: v.help ?? false,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      dialect: { type: 'string' },
      'pg-version': { type: 'string' },
      'mysql-version': { type: 'string' },
      'assume-in-transaction': { type: 'boolean' },
      schema: { type: 'string' },
      knex: { type: 'boolean' },
      'database-url': { type: 'string' },
      fix: { type: 'boolean' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
