/** `ballast backups list|restore|purge`: core's backup API (listBackups, restoreBackup, purgeBackups). */
import {
  type BackupRecord,
  consoleProgress,
  type Database,
  listBackups,
  purgeBackups,
  restoreBackup,
} from '@ballast/core';
import { type DbArgs, runDbCommand, SQL_DB_OPTIONS_HELP } from './db-command.js';
import { didYouMean } from './did-you-mean.js';
import { bytes, count, json, table, when } from './format.js';
import type { Io } from './io.js';
import { UsageError } from './lint-args.js';

export const BACKUPS_USAGE = `usage: ballast backups <list|restore|purge> [options]

  list                   backups that can be restored: what, rows, size, expiry (--all: history too)
  restore <id>           put a backup back: a column with its values, default and NOT NULL, or a
                         table under its name; the backup's data is removed afterwards
  purge --expired        drop the data of every backup past its expiry
  purge <id>...          drop the data of these backups, expired or not

options:
  --all                  list: also restored and purged backups
  --expired              purge: every expired backup
${SQL_DB_OPTIONS_HELP}

Exit status 0 on success, 1 when a backup is unknown or cannot be restored, 2 on usage errors.
`;

const ACTIONS = ['list', 'restore', 'purge'] as const;
type Action = (typeof ACTIONS)[number];

export function runBackups(argv: readonly string[], io: Io): Promise<number> {
  const action = argv.find((a) => !a.startsWith('-')) as Action | undefined;
  return runDbCommand(
    {
      name: action && ACTIONS.includes(action) ? `backups ${action}` : 'backups',
      usage: BACKUPS_USAGE,
      options: { all: { type: 'boolean' }, expired: { type: 'boolean' } },
      check: (args) => void parse(args),
      mysql: true,
      run,
    },
    argv,
    io,
  );
}

function parse(args: DbArgs): { action: Action; ids: number[] } {
  const [action, ...rest] = args.positionals;
  if (!ACTIONS.includes(action as Action))
    throw new UsageError(
      action
        ? `unknown action ${action}${didYouMean(action, ACTIONS)}; expected one of ${ACTIONS.join(', ')}`
        : `expected one of ${ACTIONS.join(', ')}`,
    );
  const ids = rest.map((id) => {
    if (!/^[1-9]\d*$/.test(id))
      throw new UsageError(`${id}: a backup id is a positive integer (ballast backups list)`);
    return Number(id);
  });
  if (action === 'list' && ids.length > 0) throw new UsageError('list takes no ids');
  if (action === 'restore' && ids.length !== 1) throw new UsageError('restore takes one backup id');
  if (action === 'purge' && ids.length > 0 === (args.values.expired === true))
    throw new UsageError('purge takes --expired or backup ids (one of them)');
  return { action: action as Action, ids };
}

async function run(db: Database, args: DbArgs, io: Io): Promise<number> {
  const { action, ids } = parse(args);
  if (action === 'list') {
    const backups = await listBackups(db, { includeHistory: args.values.all === true });
    io.stdout.write(
      args.json
        ? json(backups)
        : backups.length === 0
          ? 'no backups in this database\n'
          : table([
              ['ID', 'STATUS', 'OF', 'MIGRATION', 'ROWS', 'SIZE', 'CREATED', 'EXPIRES'],
              ...backups.map((b) => [
                String(b.id),
                b.status,
                describe(b),
                b.migration ?? '-',
                b.rows === null ? '?' : count(b.rows),
                bytes(b.bytes),
                when(b.createdAt),
                when(b.expiresAt),
              ]),
            ]),
    );
    return 0;
  }
  if (action === 'restore') {
    // The copy back reports its progress on stderr, and its end in words.
    const progress = consoleProgress(io.stderr as NodeJS.WriteStream, { json: args.json });
    const restored = await restoreBackup(db, ids[0]!, { progress });
    io.stdout.write(
      args.json
        ? json(restored)
        : `restored backup ${restored.id}: ${describe(restored)} is back${restored.rows === null ? '' : ` with ${count(restored.rows)} rows`}\n`,
    );
    return 0;
  }
  const known = new Set((await listBackups(db, { includeHistory: true })).map((b) => b.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    io.stderr.write(
      `ballast backups purge: no backup ${unknown.join(', ')} in this database\n  → ballast backups list --all shows them\n`,
    );
    return 1;
  }
  const purged = await purgeBackups(db, ids.length > 0 ? { ids } : { expiredOnly: true });
  io.stdout.write(
    args.json
      ? json(purged)
      : purged.length === 0
        ? 'nothing to purge: no backup has expired\n'
        : purged.map((b) => `purged backup ${b.id}: ${describe(b)}\n`).join(''),
  );
  return 0;
}

const describe = (b: BackupRecord) =>
  `${b.kind} ${b.sourceSchema}.${b.sourceTable}${b.sourceColumn ? `.${b.sourceColumn}` : ''}`;
