import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { startPreferred } from './containers.js';
import { startLocalPostgres } from './postgres.js';
import { commandExists, freePort, type RunDir, spawnServer, stopProcess, waitFor } from './processes.js';
import type { RunningServer } from './running-server.js';

export async function mongoServerVersion(url: string): Promise<string> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 2000 });
  try {
    await client.connect();
    const info = await client.db('admin').command({ buildInfo: 1 });
    const ferret = info.ferretdbVersion ? ` (FerretDB ${info.ferretdbVersion})` : '';
    return `MongoDB wire ${info.version}${ferret}`;
  } finally {
    await client.close();
  }
}

/** FerretDB built by scripts/install-ferretdb.sh, or one on PATH, or BALLAST_FERRETDB_BIN. */
export function findFerretDb(): string | undefined {
  const candidates = [
    process.env.BALLAST_FERRETDB_BIN,
    join(homedir(), '.cache', 'ballast', 'bin', 'ferretdb'),
  ];
  for (const c of candidates) if (c && existsSync(c)) return c;
  return commandExists('ferretdb') ? 'ferretdb' : undefined;
}

/**
 * FerretDB on its PostgreSQL backend, over a throwaway cluster of its own: a real wire-protocol
 * server. Not SQLite: that backend pushes no numeric `_id` nor multi-field filter down to SQL, so
 * each update decodes the whole collection in Go (10-20x slower, see docs/testing.md).
 */
export async function startLocalFerretDb(runDir: RunDir): Promise<RunningServer> {
  const bin = findFerretDb();
  if (!bin) {
    throw new Error(
      'FerretDB not found: run scripts/install-ferretdb.sh (needs Go; .ci/run does it) or set BALLAST_MONGO_URL to a MongoDB server',
    );
  }
  const dataDir = join(runDir.path, `ferretdb-${Date.now().toString(36)}`);
  mkdirSync(dataDir, { recursive: true });
  const backend = await startLocalPostgres(runDir);
  const [port, debugPort] = [await freePort(), await freePort()];
  const proc = spawnServer(
    'ferretdb',
    bin,
    [
      '--handler=postgresql',
      `--postgresql-url=${ferretBackendUrl(backend.url)}`,
      `--state-dir=${dataDir}`,
      `--listen-addr=127.0.0.1:${port}`,
      `--debug-addr=127.0.0.1:${debugPort}`,
      '--telemetry=disable',
      '--log-level=warn',
    ],
    { runDir },
  );
  const url = `mongodb://127.0.0.1:${port}/`;
  const version = await waitFor(`FerretDB on port ${port}`, () => mongoServerVersion(url), {
    logFile: proc.logFile,
  }).catch(async (error: unknown) => {
    await backend.stop();
    throw error;
  });
  return {
    url,
    source: `local FerretDB (PostgreSQL backend: ${backend.source})`,
    version,
    stop: async () => {
      await stopProcess(proc, 'SIGTERM');
      await backend.stop();
    },
  };
}

/**
 * FerretDB v1 keeps a command's query cursors open until the command ends, one pooled connection
 * per update of a bulkWrite plus one to write (handler/msg_update.go): with its default
 * pool_max_conns=50 a bulkWrite of 50 updates waits forever. startLocalPostgres allows 300.
 */
function ferretBackendUrl(pgUrl: string): string {
  const url = new URL(pgUrl);
  url.searchParams.set('pool_max_conns', '250');
  return url.toString();
}

export function startMongo(runDir: RunDir): Promise<RunningServer> {
  return startPreferred({
    envVar: 'BALLAST_MONGO_URL',
    versionOf: mongoServerVersion,
    container: { image: 'mongo:7', port: 27017, env: {}, url: (host, port) => `mongodb://${host}:${port}/` },
    local: () => startLocalFerretDb(runDir),
  });
}
