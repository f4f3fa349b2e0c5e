import assert from 'node:assert/strict';
import {
  createRunDir,
  findPgBinaries,
  pgServers,
  pgTestDatabase,
  processesMentioning,
  startLocalPostgres,
} from '@ballast/testkit';
import pg from 'pg';
import { describe, test } from 'vitest';

/**
 * The version matrix: the npm-shipped binaries of an old (13) and the newest (18) major start
 * here with nothing installed, and stop without leaving a process behind. Whole suites run on one
 * of them with BALLAST_PG_VERSION=13|18.
 */
describe('PostgreSQL version matrix (embedded binaries)', () => {
  for (const major of ['13', '18']) {
    test(`PostgreSQL ${major} starts, answers and stops cleanly`, async () => {
      const runDir = createRunDir();
      const server = await startLocalPostgres(runDir, findPgBinaries(major));
      try {
        const client = new pg.Client({ connectionString: server.url });
        await client.connect();
        const { rows } = await client.query<{ v: string }>(
          "select current_setting('server_version_num') as v",
        );
        await client.end();
        assert.equal(Math.floor(Number(rows[0]!.v) / 10000), Number(major));
      } finally {
        await server.stop();
      }
      assert.deepEqual(processesMentioning(runDir.path), []);
    });
  }
});

describe('the run-wide PostgreSQL matrix (pgServers)', () => {
  test('lists the default server first, then each extra major, each reachable', async () => {
    const servers = pgServers();
    assert.equal(servers[0]!.label, 'default');
    for (const server of servers) {
      const db = await pgTestDatabase('matrix', server);
      const conn = await db.connect();
      const [row] = await conn.query<{ v: string }>("select current_setting('server_version_num') as v");
      await conn.close();
      await db.drop();
      if (server.label !== 'default') assert.equal(Math.floor(Number(row!.v) / 10000), Number(server.label));
    }
  });
});
