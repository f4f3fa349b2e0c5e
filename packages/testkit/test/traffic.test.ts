import assert from 'node:assert/strict';
import {
  createTrafficTable,
  mysqlTestDatabase,
  pgTestDatabase,
  startTraffic,
  type TestDatabase,
  type TrafficReport,
} from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';

const HOLD_MS = 2000;

/**
 * The traffic helper is the instrument every zero-downtime claim is measured with, so it is
 * itself tested against a known stall: a 2 s exclusive table lock must show up as a >= 2 s
 * client query, and the same run without the lock must stay far below.
 */
async function measure(
  db: TestDatabase,
  table: string,
  lockSql: string[] | undefined,
): Promise<TrafficReport> {
  const traffic = await startTraffic({ url: db.url, table, rows: 5000, clients: 4 });
  await new Promise((r) => setTimeout(r, 300));
  const holder = await db.connect();
  try {
    if (lockSql) {
      for (const sql of lockSql.slice(0, -1)) await holder.query(sql);
      await new Promise((r) => setTimeout(r, HOLD_MS));
      await holder.query(lockSql[lockSql.length - 1]!);
    } else {
      await new Promise((r) => setTimeout(r, HOLD_MS));
    }
  } finally {
    await holder.close();
  }
  await new Promise((r) => setTimeout(r, 300));
  return traffic.stop();
}

for (const [name, makeDb, lockSql] of [
  ['PostgreSQL', pgTestDatabase, ['begin', 'lock table "orders" in access exclusive mode', 'commit']],
  ['MariaDB', mysqlTestDatabase, ['lock tables `orders` write', 'unlock tables']],
] as const) {
  describe(`traffic helper on ${name}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await makeDb();
      await createTrafficTable(db.url, 'orders', 5000);
    });
    afterAll(() => db.drop());

    test('records every query with its timing and no errors when nothing blocks', async () => {
      const report = await measure(db, 'orders', undefined);
      console.log(`no lock: ${report.summary()}`);
      assert.equal(report.errors.length, 0, report.summary());
      assert.ok(report.stats.count > 100, `expected a steady stream of queries: ${report.summary()}`);
      for (const kind of ['read', 'insert', 'update'])
        assert.ok(report.byKind[kind]!.count > 0, `no ${kind} queries`);
      assert.ok(
        report.stats.max < HOLD_MS / 2,
        `without a lock no query should come near ${HOLD_MS} ms: ${report.summary()}`,
      );
      const q = report.queries[0]!;
      assert.ok(q.end >= q.start && Math.abs(q.latencyMs - (q.end - q.start)) < 1e-6);
    });

    test(`sees a ${HOLD_MS} ms exclusive lock as a >= ${HOLD_MS} ms stall`, async () => {
      const report = await measure(db, 'orders', [...lockSql]);
      console.log(`lock held ${HOLD_MS} ms: ${report.summary()}`);
      assert.equal(report.errors.length, 0, report.summary());
      assert.ok(
        report.stats.max >= HOLD_MS * 0.95,
        `max latency should reflect the lock: ${report.summary()}`,
      );
      const stalled = report.queries.filter((q) => q.latencyMs >= HOLD_MS * 0.5);
      assert.ok(
        stalled.length >= 2,
        `several clients should have been stuck behind the lock, saw ${stalled.length}`,
      );
    });
  });
}
