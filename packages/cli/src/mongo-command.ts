/** `ballast mongo up|down|status`: runs @ballast/mongoose migration files against a database. */
import { BallastError } from '@ballast/core';
import { parseOptions } from './db-command.js';
import { UsageError } from './lint-args.js';
import type { Io } from './lint-command.js';
import { importOptional } from './optional.js';

export const MONGO_USAGE = `usage: ballast mongo <up|down|status|backups> [options]

  up       apply the pending migration files in name order
  down     revert the newest applied migrations (--steps, default 1)
  status   list the migration files and whether each is applied
  backups  list the backups migrations made (ballast_backups): id, kind, source, documents, expiry

options:
  --url <url>      MongoDB connection string, database included (default: $MONGO_URL)
  --dir <dir>      folder of migration files (default: migrations)
  --steps <n>      down: how many migrations to revert (default 1)
  --all            backups: also restored and purged ones
  --json           print the result as JSON
  -h, --help       this help

Exit status 0 on success, 1 when a migration fails or another migrator holds the lock, 2 on usage errors.
`;

export async function runMongo(argv: readonly string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.stderr.write(`ballast mongo: ${(error as Error).message}\n${MONGO_USAGE}`);
    return 2;
  }
  if (parsed.help) {
    io.stdout.write(MONGO_USAGE);
    return 0;
  }
  // Loaded here so `ballast lint` never pays for the MongoDB driver.
  // One after the other, so a project missing both is told about mongoose first.
  const { default: mongoose } = await importOptional<typeof import('mongoose')>('mongoose', 'ballast mongo');
  const { listMongoBackups, migrationsStatus, runMigrations } = await importOptional<
    typeof import('@ballast/mongoose')
  >('@ballast/mongoose', 'ballast mongo');
  const connection = await mongoose
    .createConnection(parsed.url, { serverSelectionTimeoutMS: 10_000 })
    .asPromise();
  try {
    if (parsed.command === 'backups') {
      const backups = await listMongoBackups(connection.db!, { includeHistory: parsed.all });
      io.stdout.write(
        parsed.json
          ? `${JSON.stringify(backups)}\n`
          : backups.length === 0
            ? 'no backups\n'
            : backups
                .map(
                  (b) =>
                    `${b._id}  ${b.status}  ${b.kind}  ${b.sourceCollection}${b.sourceField ? `.${b.sourceField}` : ''}` +
                    `  ${b.documents ?? '?'} documents in ${b.backupCollection}  expires ${b.expiresAt.toISOString()}` +
                    `${b.migration ? `  (${b.migration})` : ''}\n`,
                )
                .join(''),
      );
      return 0;
    }
    if (parsed.command === 'status') {
      const status = await migrationsStatus(connection, parsed.dir);
      io.stdout.write(
        parsed.json
          ? `${JSON.stringify(status)}\n`
          : status
              .map(
                (s) =>
                  `${s.applied ? 'applied' : s.error ? 'failed ' : 'pending'}  ${s.version}${s.error ? `  (${s.error})` : ''}\n`,
              )
              .join(''),
      );
      return 0;
    }
    const ran = await runMigrations(connection, {
      dir: parsed.dir,
      direction: parsed.command,
      steps: parsed.steps,
    });
    const verb = parsed.command === 'up' ? 'applied' : 'reverted';
    io.stdout.write(
      parsed.json
        ? `${JSON.stringify({ [verb]: ran })}\n`
        : ran.length > 0
          ? ran.map((v) => `${verb}  ${v}\n`).join('')
          : `nothing to ${parsed.command === 'up' ? 'apply' : 'revert'}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof BallastError) {
      io.stderr.write(`ballast mongo ${parsed.command}: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await connection.close();
  }
}

const COMMANDS = ['up', 'down', 'status', 'backups'];

function parse(argv: readonly string[]) {
  const parsed = parseOptions(argv, {
    url: { type: 'string' },
    dir: { type: 'string', default: 'migrations' },
    steps: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    all: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  const { positionals } = parsed;
  const values = parsed.values as {
    url?: string;
    dir: string;
    steps: string;
    json: boolean;
    all: boolean;
    help: boolean;
  };
  const help = values.help;
  const command = positionals[0];
  if (!help && (positionals.length !== 1 || !COMMANDS.includes(command!))) {
    throw new UsageError(`expected one of ${COMMANDS.join(', ')}; got ${positionals.join(' ') || 'nothing'}`);
  }
  const url = values.url ?? process.env.MONGO_URL;
  if (!help && !url) throw new UsageError('no database: pass --url or set MONGO_URL');
  const steps = Number(values.steps);
  if (!Number.isInteger(steps) || steps < 1)
    throw new UsageError(`--steps ${values.steps}: use a positive integer`);
  return {
    help,
    command: command as 'up' | 'down' | 'status' | 'backups',
    url: url ?? '',
    dir: values.dir,
    steps,
    json: values.json,
    all: values.all,
  };
}
