import { writeSync } from 'node:fs';

/**
 * Vitest's global setup for every run (`pnpm test`, `pnpm test:only <file>`, `pnpm vitest`):
 * starts PostgreSQL, MariaDB and a Mongo-wire server once, hands their URLs to the test workers
 * through the environment, and stops them at the end. A run fails if any process it started is
 * still alive after shutdown; Ctrl-C and SIGTERM stop the servers too.
 *
 *   BALLAST_SERVERS=postgres,mysql   start only these servers
 *   BALLAST_PG_VERSION=13|18         PostgreSQL major from the embedded matrix (default: local newest)
 *   BALLAST_PG_MATRIX=18,13          extra PostgreSQL majors that matrix-aware tests also run on
 *                                    (testkit's pgServers()); default 18, empty for none
 */
// A relative import: Vitest loads this file in its main process, whose resolver does not apply the
// `ballast-source` condition the workers use.
import { type ServerKind, type ServerSet, startServers, stopRunSync } from '../packages/testkit/src/index.js';

const log = (line: string) => process.stdout.write(`[harness] ${line}\n`);
let servers: ServerSet | undefined;
let stopping: Promise<void> | undefined;

/** Idempotent: stops every server once; throws when a process of this run survived. */
function stopServers(): Promise<void> {
  stopping ??= (async () => {
    if (!servers) return;
    const leftovers = await servers.stopAll();
    if (leftovers.length > 0) {
      const lines = leftovers.map((p) => `  pid ${p.pid}: ${p.command}`).join('\n');
      log(`ERROR: processes started by this run are still alive after shutdown:\n${lines}`);
      throw new Error(`processes started by this run are still alive after shutdown:\n${lines}`);
    }
    log(`all servers stopped; no process of this run remains (${servers.runDir.path})`);
  })();
  return stopping;
}

export async function setup(): Promise<() => Promise<void>> {
  // Vitest exits 1 ms after its own signal handler: stop the servers synchronously, before that.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      if (!servers) return;
      writeSync(1, `[harness] ${signal}: stopping servers\n`);
      const leftovers = stopRunSync(servers.runDir.path);
      writeSync(
        1,
        leftovers.length > 0
          ? `[harness] ERROR: still alive after shutdown: ${leftovers.map((p) => p.pid).join(', ')}\n`
          : `[harness] all servers stopped; no process of this run remains (${servers.runDir.path})\n`,
      );
      process.exitCode = 130;
    });
  }
  const kinds = (process.env.BALLAST_SERVERS ?? 'postgres,mysql,mongo')
    .split(',')
    .map((s) => s.trim()) as ServerKind[];
  const pgMatrix = (process.env.BALLAST_PG_MATRIX ?? '18')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  const t0 = Date.now();
  servers = await startServers(kinds, pgMatrix);
  for (const [kind, s] of Object.entries(servers.servers)) {
    log(`${kind.padEnd(8)} ${s.version} — ${s.source} — ${s.url}`);
  }
  for (const [major, s] of Object.entries(servers.pgMatrix)) {
    log(`pg ${major.padEnd(5)} ${s.version} — ${s.source} (version matrix) — ${s.url}`);
  }
  log(`servers ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  // Forked workers inherit this process's environment: testkit reads the URLs from it.
  Object.assign(process.env, servers.env);
  return stopServers;
}
