import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { startPreferred } from './containers.js';
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

/** FerretDB with its SQLite backend: a real wire-protocol server with no other service behind it. */
export async function startLocalFerretDb(runDir: RunDir): Promise<RunningServer> {
  const bin = findFerretDb();
  if (!bin) {
    throw new Error(
      'FerretDB not found: run scripts/install-ferretdb.sh (needs Go; .ci/run does it) or set BALLAST_MONGO_URL to a MongoDB server',
    );
  }
  const dataDir = join(runDir.path, `ferretdb-${Date.now().toString(36)}`);
  mkdirSync(dataDir, { recursive: true });
  const [port, debugPort] = [await freePort(), await freePort()];
  const proc = spawnServer(
    'ferretdb',
    bin,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dataDir}/`,
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
  });
  return {
    url,
    source: 'local FerretDB (SQLite backend)',
    version,
    stop: () => stopProcess(proc, 'SIGTERM'),
  };
}

export function startMongo(runDir: RunDir): Promise<RunningServer> {
  return startPreferred({
    envVar: 'BALLAST_MONGO_URL',
    versionOf: mongoServerVersion,
    container: { image: 'mongo:7', port: 27017, env: {}, url: (host, port) => `mongodb://${host}:${port}/` },
    local: () => startLocalFerretDb(runDir),
  });
}
