import assert from 'node:assert/strict';
import { type Database, dropColumnWithBackup, restoreBackup } from '@ballast/core';
import { pgServers, type SqlConnection } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { checksum, testDatabase } from './fixtures/checksum.js';

/** More rows than one batch (5,000), so the cursor taken from each batch decides the next one. */
const ROWS = 12_000;

/**
 * Key columns named like the batch query's own aliases (`k0`, `k1`, `ballast_rows`): the cursor
 * must come from the key columns, not from the aliases that happen to share their names.
 */
const tables = [
  { name: 'alias_k0', keys: ['k0'], ddl: 'k0 int primary key' },
  { name: 'alias_rows', keys: ['ballast_rows'], ddl: 'ballast_rows int primary key' },
  { name: 'alias_k1k0', keys: ['k1', 'k0'], ddl: 'k1 int, k0 int, primary key (k1, k0)' },
] as const;

for (const server of pgServers())
  describe(`[pg ${server.label}] backup batches with key columns named like the batch aliases`, () => {
    let db: Database;
    let conn: SqlConnection;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ db, conn, close } = await testDatabase(server));
    });
    afterAll(() => close());

    for (const table of tables)
      test(`drop + restore of ${table.name}.v keyed by (${table.keys.join(', ')}), ${ROWS} rows`, async () => {
        await conn.query(`create table ${table.name} (${table.ddl}, v text not null)`);
        // Composite: k1 cycles slowly, k0 fast, so both key columns matter to the order.
        const keyValues = table.keys.length === 1 ? 'g' : 'g / 100, g % 100';
        await conn.query(
          `insert into ${table.name} select ${keyValues}, 'v' || g from generate_series(1, ${ROWS}) g`,
        );
        const select = `select ${table.keys.join(" || ',' || ")} as id, v from ${table.name}`;
        const before = await checksum(conn, select);
        const backup = await dropColumnWithBackup(db, {
          table: table.name,
          column: 'v',
          confirmUnused: true,
        });
        assert.equal(backup.rows, ROWS, 'every row backed up exactly once');
        await restoreBackup(db, backup.id);
        assert.equal(await checksum(conn, select), before);
      });
  });
