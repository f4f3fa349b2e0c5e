/**
 * `ballast rollout <migrations dir>`: pending Knex migrations applied to a fleet of databases in
 * waves with a health gate between them (core's runRollout); `ballast rollout status [id]`
 * reads the state it keeps in the control database.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Database, RolloutState } from '@ballast/core';
import { docPath } from '@ballast/core/adapter';
import { parseOptions } from './db-command.js';
import { duration, json, table, when } from './format.js';
import type { Io } from './io.js';
import { UsageError } from './lint-args.js';
import { maskSecrets } from './mask.js';
import {
  concurrencyOf,
  controlUrl,
  defaultId,
  gateOf,
  ROLLOUT_OPTIONS,
  targetsFromFile,
  wavesOf,
} from './rollout/args.js';
import { knexMigrator } from './rollout/knex-migrator.js';

export const ROLLOUT_USAGE = `usage: ballast rollout <knex migrations dir> --control-url URL (--targets FILE | --targets-query SQL) [options]
       ballast rollout status [id] --control-url URL [--json]

Applies the pending Knex migrations of a directory (Knex's own migrator, with the Ballast
helpers the files use) to every database of a fleet, in waves: each wave waits for the one
before it and for the health gate after it. A failing gate, or a migration failing, halts the
rollout; with --auto-rollback the databases of that wave run their down migrations back to
where they were (Ballast's down helpers restore their backups), the other waves untouched.
State lives in the control database (ballast_rollouts, ballast_rollout_targets): rerun the same
command to resume after a crash; a database is never migrated twice. Passwords are never stored
or printed. See ${docPath('rollouts.md')}.

options:
  --control-url URL       PostgreSQL database keeping the rollout state (default: $BALLAST_CONTROL_URL)
  --targets FILE          the fleet: one connection URL per line (# comments allowed)
  --targets-query SQL     the fleet: a query on the control database whose first column is the URLs
  --id NAME               the rollout's name (default: a hash of the migration files and the fleet)
  --waves LIST            cumulative wave sizes, percentages or counts (default 1%,10%,50%,100%);
                          every wave gets at least one database
  --concurrency N         databases migrated at once within a wave (default 4)
  --gate-sql SQL          run on every database of the wave; its first value must stay within
  --gate-max N            ... at most N
  --gate-min N            ... at least N
  --gate-module FILE      a JS module whose default export (context) => boolean | { ok, reason }
  --gate-http URL         GET URL; healthy on a 2xx answer
  --soak D                observe the gate this long after each wave, e.g. 30s, 5m (default: one sample)
  --gate-interval D       time between gate samples during the soak (default 5s)
  --auto-rollback         roll back the failed wave's databases when the rollout halts
  --retry                 continue a halted rollout (its failed and rolled-back databases again)
  --json                  print the final state (or status) as JSON
  -h, --help              this help

Exit status 0 when every database is migrated, 1 when the rollout halted or could not run, 2 on
usage errors.
`;

export async function runRolloutCommand(argv: readonly string[], io: Io): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  let url: string;
  let concurrency = 1;
  try {
    ({ values, positionals } = parseOptions(argv, ROLLOUT_OPTIONS));
    if (values.help) {
      io.stdout.write(ROLLOUT_USAGE);
      return 0;
    }
    url = controlUrl(values);
    if (positionals[0] === 'status' ? positionals.length > 2 : positionals.length !== 1)
      throw new UsageError('give one Knex migrations directory, or status [id]');
    if (positionals[0] !== 'status' && Boolean(values.targets) === Boolean(values['targets-query']))
      throw new UsageError('give the fleet with exactly one of --targets FILE and --targets-query SQL');
    if (positionals[0] !== 'status') concurrency = concurrencyOf(values);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`ballast rollout: ${maskSecrets(error.message)}\n${ROLLOUT_USAGE}`);
    return 2;
  }
  const { postgresDatabaseFromUrl } = await import('@ballast/core');
  // One connection per database claimed at once, one for the state.
  const control = postgresDatabaseFromUrl(url, { max: concurrency + 2 });
  try {
    if (positionals[0] === 'status') return await status(control, positionals[1], values, io);
    return await rollout(control, positionals[0]!, values, concurrency, io);
  } catch (error) {
    const usage = error instanceof UsageError;
    io.stderr.write(
      `ballast rollout: ${maskSecrets((error as Error).message ?? String(error), url)}\n${usage ? ROLLOUT_USAGE : ''}`,
    );
    return usage ? 2 : 1;
  } finally {
    await control.close?.().catch(() => {});
  }
}

async function rollout(
  control: Database,
  dirArg: string,
  values: Record<string, unknown>,
  concurrency: number,
  io: Io,
) {
  const dir = resolve(dirArg);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`${dirArg}: not a directory of Knex migrations`);
  const { consoleProgress, runRollout, targetKey } = await import('@ballast/core');
  const targets = values.targets
    ? targetsFromFile(values.targets as string)
    : await targetsFromQuery(control, values['targets-query'] as string);
  if (targets.length === 0) throw new UsageError('the fleet is empty: no target URL given');
  const gate = await gateOf(values as Record<string, string | boolean | undefined>);
  const waves = wavesOf(values as Record<string, string | undefined>);
  const state = await runRollout(control, {
    id: (values.id as string | undefined) ?? defaultId(dir, targets.map(targetKey)),
    targets,
    migrator: knexMigrator(dir),
    concurrency,
    ...(waves ? { waves } : {}),
    ...(gate ? { gate } : {}),
    autoRollback: values['auto-rollback'] === true,
    retryHalted: values.retry === true,
    progress: consoleProgress(process.stderr),
    log: (line) => io.stderr.write(`${maskSecrets(line)}\n`),
  });
  io.stdout.write(values.json ? json(state) : renderRollout(state));
  return state.status === 'done' ? 0 : 1;
}

async function targetsFromQuery(control: Database, sql: string): Promise<string[]> {
  const rows = await control.withSession((s) => s.query<Record<string, unknown>>(sql));
  return rows.map((r) => String(Object.values(r)[0] ?? '')).filter(Boolean);
}

async function status(control: Database, id: string | undefined, values: Record<string, unknown>, io: Io) {
  const { BallastError, readRollouts } = await import('@ballast/core');
  const rollouts = await readRollouts(control, id);
  if (id && rollouts.length === 0) {
    throw new BallastError(`no rollout ${id} in the control database`, {
      hint: '`ballast rollout status` without an id lists the rollouts it holds',
    });
  }
  io.stdout.write(
    values.json
      ? json(rollouts)
      : rollouts.length === 0
        ? 'no rollouts\n'
        : rollouts.map(renderRollout).join('\n'),
  );
  return 0;
}

export function renderRollout(r: RolloutState): string {
  const applied = r.targets.filter((t) => t.status === 'applied').length;
  const halted = r.status === 'halted' ? `; halted at wave ${r.haltedWave}: ${r.haltReason}` : '';
  const rows = r.targets.map((t) => [
    String(t.wave),
    t.target,
    t.status,
    `${t.attempts}x`,
    t.startedAt && t.finishedAt ? duration((t.finishedAt.getTime() - t.startedAt.getTime()) / 1000) : '-',
    t.migrations.length > 0 ? t.migrations[t.migrations.length - 1]! : '-',
    t.error ? t.error.split('\n')[0]! : '',
  ]);
  return `rollout ${r.id}: ${r.status}, ${applied} of ${r.targets.length} databases migrated, ${r.waves} waves, gates passed through wave ${r.gatesPassed}${halted}
  started ${when(r.createdAt)}, last change ${when(r.updatedAt)}
${table([['WAVE', 'DATABASE', 'STATUS', 'TRIES', 'TOOK', 'AT MIGRATION', 'ERROR'], ...rows])}`;
}
