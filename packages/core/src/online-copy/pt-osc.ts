import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { readMysqlTable } from '../backfill/mysql/catalog.js';
import { insertMysqlTableBackup, setMysqlBackupStatus } from '../backup/mysql-catalog.js';
import type { Database } from '../db.js';
import { requireTriggerCreation } from '../dialects/mysql/trigger-privilege.js';
import { displayName } from '../dialects/table-ref.js';
import { BallastError, InvalidArgumentError, MissingDependencyError } from '../errors.js';
import type { ProgressReporter } from '../report/progress.js';

/** pt-online-schema-change ran and failed; the message ends with the last lines it wrote. */
export class PtOnlineSchemaChangeError extends BallastError {
  override readonly name = 'PtOnlineSchemaChangeError';
}

/** How pt-online-schema-change connects: the connection's own settings, given by the adapter. */
export interface MysqlCredentials {
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly socketPath?: string | undefined;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
}

export const PT_OSC = 'pt-online-schema-change';
/** Lines of its output kept for the error message. */
const TAIL_LINES = 15;

export interface PtOscRun {
  readonly credentials: MysqlCredentials;
  readonly log: (line: string) => void;
  readonly progress?: ProgressReporter | undefined;
  /** Recorded on the backup's catalog row, as for Ballast's own copy. */
  readonly migration: string;
  readonly retentionDays?: number | undefined;
  readonly column?: { readonly name: string; readonly definition: string } | undefined;
}

/**
 * The online copy delegated to pt-online-schema-change (`via: 'pt-osc'`): its defaults, its
 * triggers, its chunks, its swap, with `--no-drop-old-table` so the old table stays, recorded
 * in the backup catalog like Ballast's own copy keeps it (`down` and `ballast backups` work the
 * same). The password goes in a defaults file (0600, in a 0700 temp dir, removed after), never
 * on the command line where `ps` shows it.
 */
export async function runPtOnlineSchemaChange(
  db: Database,
  ref: { readonly table: string; readonly schema?: string },
  alter: readonly string[],
  run: PtOscRun,
): Promise<{ readonly backupTable: string; readonly backupId: number } | undefined> {
  const where = displayName(ref);
  const binary = await locate(PT_OSC);
  if (!binary) {
    throw new MissingDependencyError(`online copy of ${where} via pt-osc: ${PT_OSC} is not installed here`, {
      where,
      hint: `install percona-toolkit (Debian/Ubuntu: apt-get install percona-toolkit) so that \`command -v ${PT_OSC}\` finds it, or leave out \`via: 'pt-osc'\` to use Ballast's own online copy`,
    });
  }
  const info = await db.withSession((s) => readMysqlTable(s, { name: ref.table, schema: ref.schema }));
  // pt-osc creates triggers too: the same up-front refusal as Ballast's own copy.
  await db.withSession((s) => requireTriggerCreation(s, `online copy of ${where} via pt-osc`));
  const [current] = await db.withSession((s) => s.query<{ d: string }>('select database() as d'));
  const schema = ref.schema ?? current?.d ?? '';
  for (const [what, value] of [
    ['schema', schema],
    ['table', ref.table],
  ] as const) {
    // The DSN is comma-separated key=value pairs: a name with either cannot be passed.
    if (/[,=]/.test(value)) {
      throw new InvalidArgumentError([
        {
          argument: `${what} of the pt-osc copy of ${where}`,
          given: value,
          allowed: `a name without "," or "=" (${PT_OSC}'s DSN syntax), or leave out via: 'pt-osc'`,
        },
      ]);
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'ballast-pt-osc-'));
  try {
    const defaults = join(dir, 'client.cnf');
    await writeFile(defaults, defaultsFile(run.credentials), { mode: 0o600 });
    const args = [
      `--defaults-file=${defaults}`,
      '--alter',
      alter.join(', '),
      '--execute',
      '--no-drop-old-table',
      '--print',
      '--progress',
      'time,1',
      `D=${schema},t=${ref.table}`,
    ];
    run.log(`online copy of ${where}: ${PT_OSC} ${args.slice(1).join(' ')}`);
    const output = await spawnStreaming(binary, args, (line) => {
      const pct = /^Copying .*:\s+(\d+)% (\S+) remain/.exec(line);
      if (pct) {
        run.progress?.update({
          operation: 'online-copy',
          target: where,
          done: Number(pct[1]),
          total: 100,
          unit: 'percent',
          phase: `${PT_OSC}: copying, ${pct[2]} remain`,
        });
      } else if (line.trim()) {
        run.log(`${PT_OSC}: ${line}`);
      }
    });
    if (output.code !== 0) {
      throw new PtOnlineSchemaChangeError(
        `online copy of ${where} by ${PT_OSC} failed (exit ${output.code}):\n${output.tail.join('\n')}`,
        {
          where,
          hint: `${PT_OSC} removes its triggers and new table when it fails; fix what its output says and rerun, or leave out via: 'pt-osc' to use Ballast's own online copy`,
        },
      );
    }
    run.progress?.finish({ operation: 'online-copy', target: where, done: 100, total: 100, unit: 'percent' });
    const old = oldTableOf(output.stdout, ref.table);
    if (!old) {
      run.log(`online copy of ${where}: ${PT_OSC} swapped, but its old table was not found in its output`);
      return undefined;
    }
    const backupId = await db.withSession((s) =>
      insertMysqlTableBackup(s, {
        schema,
        table: ref.table,
        aside: old,
        keyColumns: info.key,
        column: run.column,
        migration: run.migration,
        retentionDays: run.retentionDays,
      }),
    );
    await db.withSession((s) => setMysqlBackupStatus(s, backupId, 'ready'));
    return { backupTable: old, backupId };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A `[client]` option file; values double-quoted with \ and " escaped (MySQL option-file syntax). */
function defaultsFile(c: MysqlCredentials): string {
  const quote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = ['[client]'];
  if (c.user !== undefined) lines.push(`user=${quote(c.user)}`);
  if (c.password !== undefined && c.password !== '') lines.push(`password=${quote(c.password)}`);
  if (c.socketPath) lines.push(`socket=${quote(c.socketPath)}`);
  else {
    if (c.host) lines.push(`host=${quote(c.host)}`);
    if (c.port) lines.push(`port=${c.port}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `RENAME TABLE `db`.`t` TO `db`.`_t_old`, …` as --print shows the swap. */
function oldTableOf(stdout: string, table: string): string | undefined {
  const ident = '`((?:[^`]|``)+)`';
  for (const m of stdout.matchAll(
    new RegExp(`RENAME TABLE ${ident}\\.${ident} TO ${ident}\\.${ident}`, 'g'),
  )) {
    if (m[2]!.replace(/``/g, '`') === table) return m[4]!.replace(/``/g, '`');
  }
  return undefined;
}

function locate(name: string): Promise<string | undefined> {
  return new Promise((resolve) =>
    execFile('/bin/sh', ['-c', 'command -v "$1"', 'sh', name], (error, stdout) =>
      resolve(error ? undefined : stdout.trim() || undefined),
    ),
  );
}

/** Runs the tool, handing every output line (stdout and stderr) to `onLine` as it comes. */
function spawnStreaming(
  binary: string,
  args: readonly string[],
  onLine: (line: string) => void,
): Promise<{ readonly code: number; readonly stdout: string; readonly tail: readonly string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const tail: string[] = [];
    const keep = (line: string) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      onLine(line);
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    createInterface({ input: child.stdout }).on('line', keep);
    createInterface({ input: child.stderr }).on('line', keep);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, tail }));
  });
}
