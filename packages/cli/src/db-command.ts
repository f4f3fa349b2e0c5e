/**
 * What every database command shares: options (--database-url / DATABASE_URL, --json, --help),
 * the server family check, opening and closing the connection, and turning failures into a
 * masked message with an exit code (1 failure, 2 usage).
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { BallastError, type Database, type Dialect } from '@ballast/core';
import { docPath } from '@ballast/core/adapter';
import { didYouMean } from './did-you-mean.js';
import type { Io } from './io.js';
import { UsageError } from './lint-args.js';
import { maskSecrets } from './mask.js';

type Options = NonNullable<ParseArgsConfig['options']>;

const DB_OPTIONS_REST = `  --json               print the result as JSON
  -h, --help           this help`;

export const DB_OPTIONS_HELP = `  --database-url URL   PostgreSQL connection URL (default: $DATABASE_URL)
${DB_OPTIONS_REST}`;

/** For the commands that also run on MySQL/MariaDB (`mysql: true`). */
export const SQL_DB_OPTIONS_HELP = `  --database-url URL   postgres://, mysql:// or mariadb:// connection URL (default: $DATABASE_URL);
                       MySQL/MariaDB need the package mysql2 installed
${DB_OPTIONS_REST}`;

const COMMON = {
  'database-url': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export interface DbArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
  readonly json: boolean;
}

/** node:util parseArgs with the common options. */
export function parseDbArgs(argv: readonly string[], extra: Options = {}): DbArgs & { help: boolean } {
  const { values, positionals } = parseOptions(argv, { ...COMMON, ...extra });
  return { values, positionals, json: values.json === true, help: values.help === true };
}

/** node:util parseArgs (strict, positionals allowed); an unknown option gets a did-you-mean. */
export function parseOptions(
  argv: readonly string[],
  options: Options,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    const unknown = /Unknown option '([^']+)'/.exec((error as Error).message)?.[1];
    if (!unknown) throw new UsageError((error as Error).message.split('. ')[0]!);
    const known = Object.keys(options).map((o) => `--${o}`);
    throw new UsageError(`unknown option ${unknown}${didYouMean(unknown, known)}`);
  }
}

/**
 * The URL to use and its server family. A MySQL/MariaDB URL is refused (with `mysql`'s reason)
 * by the commands that do not run there.
 */
export function databaseUrl(
  args: DbArgs,
  command: string,
  mysql: DbCommand['mysql'] = undefined,
): { url: string; dialect: Dialect } {
  const url = (args.values['database-url'] as string | undefined) ?? process.env.DATABASE_URL;
  if (!url) throw new UsageError('no database: pass --database-url or set DATABASE_URL');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return { url, dialect: 'postgres' };
  if ((scheme === 'mysql' || scheme === 'mariadb') && mysql === true) return { url, dialect: 'mysql' };
  if (scheme === 'mysql' || scheme === 'mariadb')
    throw new UsageError(
      `runs on PostgreSQL only, not on ${scheme}://: ${mysql ?? 'no MySQL/MariaDB implementation yet'}`,
    );
  if (scheme === 'mongodb' || scheme === 'mongodb+srv')
    throw new UsageError(
      `ballast ${command} supports PostgreSQL${mysql === true ? ' and MySQL/MariaDB' : ''} only; for MongoDB use ballast mongo status --url <url>`,
    );
  throw new UsageError(
    `--database-url: expected a postgres:// or postgresql:// URL${mysql === true ? ' (or mysql://, mariadb://)' : ''}, got ${maskSecrets(url)}`,
  );
}

export interface DbCommand {
  /** e.g. `status`, `backfill pause`: the prefix of every message. */
  readonly name: string;
  readonly usage: string;
  readonly options?: Options;
  /** Checks positionals before connecting (throw UsageError). */
  readonly check?: (args: DbArgs) => void;
  readonly run: (db: Database, args: DbArgs, io: Io) => Promise<number>;
  /**
   * MySQL/MariaDB URLs: `true` where the command runs there, else why it does not (the
   * message a mysql:// URL gets).
   */
  readonly mysql?: true | string;
  /** Connections the command may hold at once (default 2). */
  readonly poolSize?: (args: DbArgs) => number;
}

export async function runDbCommand(command: DbCommand, argv: readonly string[], io: Io): Promise<number> {
  let args: ReturnType<typeof parseDbArgs>;
  let target: { url: string; dialect: Dialect };
  try {
    args = parseDbArgs(argv, command.options);
    if (args.help) {
      io.stdout.write(command.usage);
      return 0;
    }
    command.check?.(args);
    target = databaseUrl(args, command.name, command.mysql);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`ballast ${command.name}: ${maskSecrets(error.message)}\n${command.usage}`);
    return 2;
  }
  let db: Database | undefined;
  try {
    const { mysqlDatabaseFromUrl, postgresDatabaseFromUrl } = await import('@ballast/core');
    const open = target.dialect === 'mysql' ? mysqlDatabaseFromUrl : postgresDatabaseFromUrl;
    db = open(target.url, { max: command.poolSize?.(args) ?? 2 });
    return await command.run(db, args, io);
  } catch (error) {
    io.stderr.write(`ballast ${command.name}: ${maskSecrets(describe(error), target.url)}\n`);
    return 1;
  } finally {
    await db?.close?.().catch(() => {});
  }
}

/** A BallastError's message (with its hint), or a driver error with the server's code. */
function describe(error: unknown): string {
  if (error instanceof BallastError || (error as Error)?.name === 'MissingDependencyError')
    return (error as Error).message;
  const e = error as { message?: string; code?: string };
  const code = e.code ? ` (${e.code})` : '';
  const hint =
    e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND'
      ? '\n  → check the host and port of --database-url / DATABASE_URL'
      : e.code === '28P01' || e.code === '28000' || e.code === 'ER_ACCESS_DENIED_ERROR'
        ? '\n  → check the user and password of --database-url / DATABASE_URL'
        : e.code === 'ER_BAD_DB_ERROR' || e.code === '3D000'
          ? '\n  → check the database name at the end of --database-url / DATABASE_URL'
          : e.code === '42501'
            ? `\n  → grant this role SELECT on Ballast's tables (${docPath('privileges.md')})`
            : '';
  return `${e.message ?? String(error)}${code}${hint}`;
}
