import { startMariaDb } from './mariadb.js';
import { startMongo } from './mongo.js';
import { findPgBinaries, startLocalPostgres, startPostgres } from './postgres.js';
import { createRunDir, processesMentioning, type RunDir } from './processes.js';
import type { RunningServer } from './running-server.js';

export type ServerKind = 'postgres' | 'mysql' | 'mongo';

export const SERVER_ENV: Record<ServerKind, string> = {
  postgres: 'BALLAST_PG_URL',
  mysql: 'BALLAST_MYSQL_URL',
  mongo: 'BALLAST_MONGO_URL',
};

const starters: Record<ServerKind, (runDir: RunDir) => Promise<RunningServer>> = {
  postgres: startPostgres,
  mysql: startMariaDb,
  mongo: startMongo,
};

export interface ServerSet {
  readonly runDir: RunDir;
  readonly servers: Partial<Record<ServerKind, RunningServer>>;
  /** Extra PostgreSQL servers of the version matrix, by major. */
  readonly pgMatrix: Readonly<Record<string, RunningServer>>;
  /** The env vars test processes need to reach the servers. */
  readonly env: Record<string, string>;
  /** Stops every server and returns the processes of this run still alive (should be none). */
  stopAll(): Promise<{ pid: number; command: string }[]>;
}

/** Env var holding `{"<major>": url}` for the extra PostgreSQL majors of the version matrix. */
export const PG_MATRIX_ENV = 'BALLAST_PG_MATRIX_URLS';

/**
 * Starts the requested servers in parallel, once for the whole run. `pgMatrix` lists extra
 * PostgreSQL majors (npm-shipped binaries) that matrix-aware tests also run on (see pgServers()).
 */
export async function startServers(
  kinds: readonly ServerKind[],
  pgMatrix: readonly string[] = [],
): Promise<ServerSet> {
  const runDir = createRunDir();
  const servers: Partial<Record<ServerKind, RunningServer>> = {};
  const matrix: Record<string, RunningServer> = {};
  const stopAll = async () => {
    await Promise.all(
      [...Object.values(servers), ...Object.values(matrix)].map((s) => s.stop().catch(() => {})),
    );
    return processesMentioning(runDir.path);
  };
  const matrixMajors = kinds.includes('postgres')
    ? pgMatrix.filter((m) => m !== process.env.BALLAST_PG_VERSION)
    : [];
  const jobs: { name: string; start: () => Promise<void> }[] = [
    ...kinds.map((kind) => ({
      name: kind,
      start: async () => {
        servers[kind] = await starters[kind](runDir);
      },
    })),
    ...matrixMajors.map((major) => ({
      name: `postgres ${major}`,
      start: async () => {
        matrix[major] = await startLocalPostgres(runDir, findPgBinaries(major));
      },
    })),
  ];
  const results = await Promise.allSettled(jobs.map((job) => job.start()));
  const failed = results.flatMap((r, i) =>
    r.status === 'rejected' ? [`${jobs[i]!.name}: ${(r.reason as Error).message}`] : [],
  );
  if (failed.length > 0) {
    await stopAll();
    throw new Error(`could not start test servers:\n${failed.join('\n')}`);
  }
  const env: Record<string, string> = Object.fromEntries(
    Object.entries(servers).map(([kind, s]) => [SERVER_ENV[kind as ServerKind], s.url]),
  );
  if (matrixMajors.length > 0) {
    env[PG_MATRIX_ENV] = JSON.stringify(
      Object.fromEntries(Object.entries(matrix).map(([m, s]) => [m, s.url])),
    );
  }
  return { runDir, servers, pgMatrix: matrix, env, stopAll };
}
