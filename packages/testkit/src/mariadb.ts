import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { startPreferred } from './containers.js';
import { execFileAsync } from './exec.js';
import {
  commandExists,
  freePort,
  isRoot,
  type RunDir,
  spawnServer,
  stopProcess,
  waitFor,
} from './processes.js';
import type { RunningServer } from './running-server.js';

export async function mysqlServerVersion(url: string): Promise<string> {
  const conn = await mysql.createConnection(url);
  try {
    const [rows] = await conn.query('select version() as v');
    const v = String((rows as { v: string }[])[0]!.v);
    return v.toLowerCase().includes('mariadb') ? `MariaDB ${v}` : `MySQL ${v}`;
  } finally {
    await conn.end();
  }
}

/**
 * A throwaway MariaDB from the machine's `mariadbd` (apt: mariadb-server), utf8mb4, with the binary
 * log on (ROW format) like a production primary: CREATE TRIGGER then needs SUPER or
 * log_bin_trust_function_creators, as it will for our users.
 */
export async function startLocalMariaDb(runDir: RunDir): Promise<RunningServer> {
  for (const cmd of ['mariadbd', 'mariadb-install-db']) {
    if (!commandExists(cmd) && !commandExists(`/usr/sbin/${cmd}`)) {
      throw new Error(
        `${cmd} not found: install MariaDB (Debian: apt-get install mariadb-server; .ci/run does it) or set BALLAST_MYSQL_URL`,
      );
    }
  }
  const dataDir = join(runDir.path, `mariadb-${Date.now().toString(36)}`);
  mkdirSync(dataDir, { mode: 0o755 });
  // As root mariadbd must drop to an unprivileged user; install-db then also chowns the data dir.
  const userFlag = isRoot() ? ['--user=mysql'] : [];
  await execFileAsync('mariadb-install-db', [
    '--no-defaults',
    `--datadir=${dataDir}`,
    ...userFlag,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
  ]);
  const port = await freePort();
  const mariadbd = commandExists('mariadbd') ? 'mariadbd' : '/usr/sbin/mariadbd';
  const proc = spawnServer(
    'mariadb',
    mariadbd,
    [
      '--no-defaults',
      ...userFlag,
      `--datadir=${dataDir}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(dataDir, 'mysqld.sock')}`,
      `--pid-file=${join(dataDir, 'mysqld.pid')}`,
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
      '--log-bin=mariadb-bin',
      '--binlog-format=ROW',
      '--sync-binlog=0',
      '--skip-name-resolve',
      '--innodb-flush-log-at-trx-commit=0',
      '--innodb-buffer-pool-size=256M',
      '--max-connections=400',
    ],
    { runDir },
  );
  // Root has an empty password on 127.0.0.1 only because this server is throwaway and loopback-bound.
  const rootUrl = `mysql://root@127.0.0.1:${port}/`;
  const version = await waitFor(`MariaDB on port ${port}`, () => mysqlServerVersion(rootUrl), {
    logFile: proc.logFile,
  });
  return {
    url: rootUrl,
    source: 'local mariadbd',
    version,
    stop: () => stopProcess(proc, 'SIGTERM', 20_000),
  };
}

export function startMariaDb(runDir: RunDir): Promise<RunningServer> {
  return startPreferred({
    envVar: 'BALLAST_MYSQL_URL',
    versionOf: mysqlServerVersion,
    container: {
      image: 'mariadb:11',
      port: 3306,
      env: { MARIADB_ALLOW_EMPTY_ROOT_PASSWORD: '1' },
      url: (host, port) => `mysql://root@${host}:${port}/`,
    },
    local: () => startLocalMariaDb(runDir),
  });
}
