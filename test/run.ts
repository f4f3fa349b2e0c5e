/**
 * The test orchestrator behind `pnpm test`: starts PostgreSQL, MariaDB and a Mongo-wire server
 * once for the run, runs every test file with Node's test runner (each file makes its own
 * databases on them), then stops the servers and fails the run if any process it started is
 * still alive. Ctrl-C and SIGTERM stop the servers too.
 *
 *   pnpm test                        all test files
 *   pnpm test:only <file> [<file>]   some files (servers still start once)
 *   BALLAST_SERVERS=postgres,mysql   start only these servers
 *   BALLAST_PG_VERSION=13|18         PostgreSQL major from the embedded matrix (default: local newest)
 *   BALLAST_PG_MATRIX=18,13          extra PostgreSQL majors that matrix-aware tests also run on
 *                                    (testkit's pgServers()); default 18, empty for none
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ServerKind, type ServerSet, startServers } from '@ballast/testkit';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

function findTests(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (entry.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const args = process.argv.slice(2);
const files =
  args.length > 0
    ? args.map((a) => resolve(a))
    : [
        ...readdirSync(join(root, 'packages')).flatMap((p) => {
          const dir = join(root, 'packages', p, 'test');
          try {
            return findTests(dir);
          } catch {
            return [];
          }
        }),
        ...findTests(join(root, 'test')),
        ...findTests(join(root, 'examples')),
        ...findTests(join(root, 'bench')),
      ];

const kinds = (process.env.BALLAST_SERVERS ?? 'postgres,mysql,mongo')
  .split(',')
  .map((s) => s.trim()) as ServerKind[];

const log = (line: string) => process.stdout.write(`[harness] ${line}\n`);
let servers: ServerSet | undefined;
let child: ReturnType<typeof spawn> | undefined;
let shutdownStarted: Promise<never> | undefined;

/** Idempotent: the first caller's exit code wins (a signal's 130 beats the child's exit after it). */
function shutdown(code: number): Promise<never> {
  shutdownStarted ??= (async () => {
    if (child?.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
    }
    if (servers) {
      const leftovers = await servers.stopAll();
      if (leftovers.length > 0) {
        log('ERROR: processes started by this run are still alive after shutdown:');
        for (const p of leftovers) log(`  pid ${p.pid}: ${p.command}`);
        process.exit(code || 1);
      }
      log(`all servers stopped; no process of this run remains (${servers.runDir.path})`);
    }
    process.exit(code);
  })();
  return shutdownStarted;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping servers`);
    void shutdown(130);
  });
}

const t0 = Date.now();
try {
  const pgMatrix = (process.env.BALLAST_PG_MATRIX ?? '18')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  servers = await startServers(kinds, pgMatrix);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
for (const [kind, s] of Object.entries(servers.servers)) {
  log(`${kind.padEnd(8)} ${s.version} — ${s.source} — ${s.url}`);
}
for (const [major, s] of Object.entries(servers.pgMatrix)) {
  log(`pg ${major.padEnd(5)} ${s.version} — ${s.source} (version matrix) — ${s.url}`);
}
log(`servers ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${files.length} test files`);

child = spawn(
  process.execPath,
  [
    '--conditions=ballast-source',
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-concurrency=1',
    `--test-timeout=${Number(process.env.BALLAST_TEST_TIMEOUT_MS ?? 600_000)}`,
    ...files.map((f) => relative(root, f)),
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, ...servers.env }, detached: true },
);
const code: number = await new Promise((r) => child!.once('exit', (c, sig) => r(c ?? (sig ? 1 : 0))));
await shutdown(code);
