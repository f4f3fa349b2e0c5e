import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { startPreferred } from './containers.js';
import { execFileAsync, osUser } from './exec.js';
import {
  freePort,
  isRoot,
  type ManagedProcess,
  type RunDir,
  spawnServer,
  stopProcess,
  waitFor,
} from './processes.js';
import type { RunningServer } from './running-server.js';

/** Majors whose binaries ship as npm packages (see packages/testkit/package.json). */
const EMBEDDED_MAJORS = ['13', '18'] as const;

interface PgBinaries {
  readonly dir: string;
  readonly label: string;
}

function embeddedBinaries(major: string): PgBinaries | undefined {
  const require = createRequire(import.meta.url);
  try {
    // The package exports only dist/index.js; the binaries sit beside it in native/.
    const entry = require.resolve(`pg-bin-${major}`);
    const dir = join(dirname(entry), '..', 'native', 'bin');
    return existsSync(join(dir, 'postgres')) ? { dir, label: `embedded PostgreSQL ${major}` } : undefined;
  } catch {
    return undefined;
  }
}

function debianBinaries(major?: string): PgBinaries | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  const chosen = major ? majors.find((m) => m === major) : majors[0];
  return chosen ? { dir: join(root, chosen, 'bin'), label: `local PostgreSQL ${chosen}` } : undefined;
}

/**
 * Picks binaries for BALLAST_PG_VERSION (a major), else the machine's newest Debian server,
 * else the newest embedded one: no server install is ever required.
 */
export function findPgBinaries(major = process.env.BALLAST_PG_VERSION): PgBinaries {
  const found = major
    ? (debianBinaries(major) ?? embeddedBinaries(major))
    : (debianBinaries() ?? embeddedBinaries(EMBEDDED_MAJORS[EMBEDDED_MAJORS.length - 1]!));
  if (!found) {
    throw new Error(
      `No PostgreSQL ${major ?? ''} binaries found. Available embedded majors: ${EMBEDDED_MAJORS.join(', ')} ` +
        '(run pnpm install), or install Debian postgresql, or set BALLAST_PG_URL to an existing server.',
    );
  }
  return found;
}

export async function pgServerVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>("select current_setting('server_version') as v");
    return `PostgreSQL ${rows[0]!.v}`;
  } finally {
    await client.end();
  }
}

/** A throwaway cluster from local binaries, tuned for tests (no fsync) and owned by the run. */
export async function startLocalPostgres(runDir: RunDir, bins = findPgBinaries()): Promise<RunningServer> {
  const dataDir = join(runDir.path, `pg-${Date.now().toString(36)}`);
  mkdirSync(dataDir, { mode: 0o700 });
  // initdb and postgres refuse to run as root: hand the cluster to the postgres user.
  const runAs = isRoot() ? 'postgres' : undefined;
  if (runAs) {
    const { uid, gid } = osUser(runAs); // throws "no such user" clearly; .ci/run creates it
    chownSync(dataDir, uid, gid);
  }
  const initdb = [
    join(bins.dir, 'initdb'),
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ];
  await execFileAsync(
    runAs ? 'runuser' : initdb[0]!,
    runAs ? ['-u', runAs, '--', ...initdb] : initdb.slice(1),
  );
  const port = await freePort();
  const proc: ManagedProcess = spawnServer(
    'postgres',
    join(bins.dir, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-k',
      dataDir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
      '-c',
      'shared_buffers=256MB',
      '-c',
      'max_wal_size=4GB',
      '-c',
      'wal_level=logical',
      '-c',
      'max_wal_senders=4',
    ],
    { runDir, ...(runAs ? { runAs } : {}) },
  );
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const version = await waitFor(`${bins.label} on port ${port}`, () => pgServerVersion(url), {
    logFile: proc.logFile,
  });
  // SIGINT is PostgreSQL's "fast" shutdown: rolls back open transactions and exits promptly.
  return { url, source: bins.label, version, stop: () => stopProcess(proc, 'SIGINT') };
}

export function startPostgres(runDir: RunDir): Promise<RunningServer> {
  return startPreferred({
    envVar: 'BALLAST_PG_URL',
    versionOf: pgServerVersion,
    container: {
      image: `postgres:${process.env.BALLAST_PG_VERSION ?? '17'}`,
      port: 5432,
      env: { POSTGRES_PASSWORD: 'postgres', POSTGRES_HOST_AUTH_METHOD: 'trust' },
      url: (host, port) => `postgres://postgres:postgres@${host}:${port}/postgres`,
    },
    local: () => startLocalPostgres(runDir),
  });
}
