/** `ballast status`: Ballast's view of a database (read-only). */
import { docPath } from '@ballast/core/adapter';
import { backfillRows } from './backfill-view.js';
import { runDbCommand, SQL_DB_OPTIONS_HELP } from './db-command.js';
import { bytes, count, json, table, when } from './format.js';
import type { Io } from './io.js';
import { UsageError } from './lint-args.js';
import { readStatus, type StatusReport } from './status-read.js';
import { readMysqlStatus } from './status-read-mysql.js';

export const STATUS_USAGE = `usage: ballast status [options]

Ballast's view of a PostgreSQL, MySQL or MariaDB database: the migrator lock holder,
migrations with failed or unfinished steps, backfill jobs, expansions waiting for their
contract, Prisma contract migrations that ballast-prisma migrate deploy refused as too early
(PostgreSQL), and backups. Read-only: it creates nothing, and needs only SELECT on Ballast's
tables and USAGE on the schema ballast_backup (${docPath('privileges.md')}).

options:
${SQL_DB_OPTIONS_HELP}

Exit status 0 on success, 1 when the database cannot be read, 2 on usage errors.
`;

export const runStatus = (argv: readonly string[], io: Io) =>
  runDbCommand(
    {
      name: 'status',
      usage: STATUS_USAGE,
      mysql: true,
      check: (args) => {
        if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
      },
      async run(db, args, out) {
        const report = await (db.dialect === 'mysql' ? readMysqlStatus(db) : readStatus(db));
        out.stdout.write(args.json ? json(report) : renderStatus(report));
        return 0;
      },
    },
    argv,
    io,
  );

export function renderStatus(r: StatusReport): string {
  if (!r.ballastUsed) return 'Ballast has not run on this database: none of its ballast_* tables exists.\n';
  const out: string[] = [];
  out.push(
    r.locks.length === 0
      ? 'migrator lock: free\n'
      : `migrator lock: held\n${table(
          r.locks.map((l) => [
            l.name,
            `pid ${l.pid ?? '?'}${l.host ? `@${l.host}` : ''}`,
            l.applicationName ? `application_name ${l.applicationName}` : 'application_name -',
            `since ${when(l.since)}`,
          ]),
        )}`,
  );
  out.push(
    r.journal.unfinished.length === 0
      ? `migrations: ${count(r.journal.migrations)} journaled, none with failed or unfinished steps\n`
      : `migrations with failed or unfinished steps (${r.journal.unfinished.length} of ${count(r.journal.migrations)} journaled):\n${r.journal.unfinished
          .map(
            (m) =>
              `  ${m.migration}: ${m.stepsDone} steps done\n${m.failed
                .map(
                  (f) =>
                    `    ${f.step} failed ${when(f.at)}${f.error ? `: ${f.error.replaceAll('\n', '\n    ')}` : ''}\n`,
                )
                .join('')}`,
          )
          .join('')}`,
  );
  out.push(r.backfills.length === 0 ? 'backfills: none\n' : `backfills:\n${backfillRows(r.backfills)}`);
  out.push(
    r.expansions === null
      ? 'expansions waiting for their contract: not recorded on MySQL/MariaDB\n'
      : r.expansions.length === 0
        ? 'expansions waiting for their contract: none\n'
        : `expansions waiting for their contract:\n${table(
            r.expansions.map((e) => [
              `${e.schema}.${e.table}`,
              `${e.oldColumn} → ${e.newColumn}`,
              e.kind,
              `expanded ${when(e.createdAt)}`,
              e.migration ?? '',
            ]),
          )}`,
  );
  if (r.prismaContracts.length > 0)
    out.push(
      `Prisma contract migrations waiting for their expand:\n${table(
        r.prismaContracts.map((c) => [
          c.migration,
          `expand ${c.expand}`,
          c.expandFinishedAt ? `deployed ${when(c.expandFinishedAt)}` : 'not deployed',
          c.notBefore ? `may run from ${when(c.notBefore)}` : '',
        ]),
      )}`,
    );
  out.push(
    r.backups.length === 0
      ? 'backups: none\n'
      : `backups:\n${table([
          ['ID', 'STATUS', 'OF', 'ROWS', 'SIZE', 'EXPIRES'],
          ...r.backups.map((b) => [
            String(b.id),
            b.status,
            `${b.kind} ${b.sourceSchema}.${b.sourceTable}${b.sourceColumn ? `.${b.sourceColumn}` : ''}`,
            b.rows === null ? '?' : count(b.rows),
            bytes(b.bytes),
            when(b.expiresAt),
          ]),
        ])}`,
  );
  return out.join('');
}
