import { startMariaDb } from './mariadb.js';
import { startMongo } from './mongo.js';
import { type RunningServer, startPostgres } from './postgres.js';
import { createRunDir, processesMentioning, type RunDir } from './processes.js';

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
  /** The env vars test processes need to reach the servers. */
  readonly env: Record<string, string>;
  /** Stops every server and returns the processes of this run still alive (should be none). */
  stopAll(): Promise<{ pid: number; command: string }[]>;
}

/** Starts the requested servers in parallel, once for the whole run. */
export async function startServers(kinds: readonly ServerKind[]): Promise<ServerSet> {
  const runDir = createRunDir();
  const servers: Partial<Record<ServerKind, RunningServer>> = {};
  const stopAll = async () => {
    await Promise.all(Object.values(servers).map((s) => s.stop().catch(() => {})));
    return processesMentioning(runDir.path);
  };
  const results = await Promise.allSettled(
    kinds.map(async (kind) => {
      servers[kind] = await starters[kind](runDir);
    }),
  );
  const failed = results.flatMap((r, i) =>
    r.status === 'rejected' ? [`${kinds[i]}: ${(r.reason as Error).message}`] : [],
  );
  if (failed.length > 0) {
    await stopAll();
    throw new Error(`could not start test servers:\n${failed.join('\n')}`);
  }
  const env = Object.fromEntries(
    Object.entries(servers).map(([kind, s]) => [SERVER_ENV[kind as ServerKind], s.url]),
  );
  return { runDir, servers, env, stopAll };
}
