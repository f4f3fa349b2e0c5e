import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import {
  type Database,
  dropColumnWithBackup,
  dropTableWithBackup,
  type FinishEvent,
  LockTimeoutError,
  listBackups,
  planContract,
  planDropColumn,
  planDropTable,
  postgresDatabaseFromUrl,
  purgeBackups,
  readServerInfo,
  restoreBackup,
  runPlan,
  serverInfoFor,
} from '@ballast/core';
import { pgServers, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
// The backfill chaos bench owns the kill -9 fixture; the backup copy reuses it with its own child.
import { runScriptAndKill } from '../../../bench/backfill/kill-resume.js';
import { checksum, columnFacts, testDatabase } from './fixtures/checksum.js';
import { type Blocker, holdLock } from './support/blocker.js';

const BACKUP_CHILD = fileURLToPath(new URL('./fixtures/backup-child.ts', import.meta.url));
const quiet = { log: () => {} };

/** One drop: every drop goes through the runner and ends in the backup catalog. */
for (const server of pgServers())
  describe(`[pg ${server.label}] one drop: backup step, runner, catalog`, () => {
    let tdb: TestDatabase;
    let db: Database;
    let conn: SqlConnection;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ tdb, db, conn, close } = await testDatabase(server));
    });
    afterAll(() => close());

    const exists = async (regclass: string) =>
      (await conn.query<{ t: string | null }>('select to_regclass($1)::text as t', [regclass]))[0]!.t !==
      null;

    test('dropTableWithBackup blocked by a long transaction retries, names the blocker, and completes once it ends', async () => {
      await conn.query('create table held_t (id int primary key, v text)');
      await conn.query("insert into held_t select g, 'v' || g from generate_series(1, 20) g");
      const blocker = await holdLock(tdb.url, 'select count(*) from held_t');
      const lines: string[] = [];
      const run = { log: (l: string) => lines.push(l), lock: false as const };
      const refused = await dropTableWithBackup(
        db,
        { table: 'held_t', confirmUnused: true },
        { run: { ...run, lockTimeoutMs: 50, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 } } },
      ).catch((e: unknown) => e);
      assert.ok(refused instanceof LockTimeoutError, String(refused));
      assert.equal(refused.step, 'drop-table:held_t:move');
      assert.ok(refused.attempts >= 1);
      assert.ok(
        refused.blockers.some((b) => b.startsWith(`pid ${blocker.pid} `)),
        `blockers: ${refused.blockers.join('; ')}`,
      );
      assert.match(refused.details.hint ?? '', new RegExp(`blocked by pid ${blocker.pid} `));
      assert.ok(
        lines.some((l) => l.includes(`pid ${blocker.pid}`)),
        lines.join('\n'),
      );
      assert.ok(await exists('held_t'), 'the table is still there');
      assert.deepEqual(
        await listBackups(db, { table: 'held_t' }),
        [],
        'nothing listed for a drop that did not happen',
      );

      // The blocker commits during the retries: the same call completes.
      setTimeout(() => void blocker.release(), 300);
      const backup = await dropTableWithBackup(
        db,
        { table: 'held_t', confirmUnused: true },
        { run: { ...run, lockTimeoutMs: 50, retry: { maxAttempts: 50, baseDelayMs: 20, maxDelayMs: 100 } } },
      );
      await blocker.release();
      assert.equal(backup.kind, 'table');
      assert.equal(await exists('held_t'), false);
      assert.equal(backup.backupSchema, 'ballast_backup');
      const moved = `ballast_backup.${backup.setAside}`;
      assert.equal(Number((await conn.query<{ n: string }>(`select count(*) as n from ${moved}`))[0]!.n), 20);
    });

    test('a rerun after success is already done: same backup, every step skipped by its done-probe', async () => {
      await conn.query('create table again_t (id int primary key, v text)');
      await conn.query('create table again_c (id int primary key, v text not null)');
      await conn.query("insert into again_c select g, 'v' || g from generate_series(1, 30) g");
      const first = await dropTableWithBackup(
        db,
        { table: 'again_t', confirmUnused: true },
        { migration: 'm-again' },
      );
      const second = await dropTableWithBackup(
        db,
        { table: 'again_t', confirmUnused: true },
        { migration: 'm-again' },
      );
      assert.equal(second.id, first.id);
      const server = await db.withSession(readServerInfo);
      const at = new Date('2026-02-03T04:05:06Z');
      const plans = [
        planDropTable({ table: 'again_t2', confirmUnused: true, droppedAt: at }, server),
        planDropColumn({ table: 'again_c', column: 'v', confirmUnused: true }, server),
      ];
      await conn.query('create table again_t2 (id int primary key)');
      for (const plan of plans) {
        const applied = await runPlan(db, plan, quiet);
        assert.equal(applied.steps[0]!.id, `${plan.operation}:${plan.target}:backup`);
        assert.ok(
          applied.steps.every((s) => s.status === 'applied'),
          plan.operation,
        );
        const rerun = await runPlan(db, plan, quiet);
        assert.deepEqual(
          rerun.steps.map((s) => s.status),
          plan.steps.map(() => 'already-done'),
          plan.operation,
        );
      }
      assert.equal((await listBackups(db, { table: 'again_c' })).length, 1, 'one backup, not two');
      // The plan's own reverse renames the column back: nothing left to restore, shown as history.
      await runPlan(db, { ...plans[1]!, steps: plans[1]!.reverse, reverse: [] }, quiet);
      assert.deepEqual(await listBackups(db, { table: 'again_c' }), []);
      assert.deepEqual(
        (await listBackups(db, { table: 'again_c', includeHistory: true })).map((b) => b.status),
        ['restored'],
      );
      assert.equal((await listBackups(db, { table: 'again_t2' })).length, 1);
    });

    test('a set-aside column is listed, restored with its NOT NULL, and purged after its retention', async () => {
      await conn.query("create table aside_c (id int primary key, v text not null default 'd')");
      await conn.query("insert into aside_c select g, 'v' || g from generate_series(1, 40) g");
      const before = await checksum(conn, 'select id, v from aside_c');
      const server = await db.withSession(readServerInfo);
      const drop = (retentionDays: number) =>
        planDropColumn(
          {
            table: 'aside_c',
            column: 'v',
            confirmUnused: true,
            backup: { retentionDays, migration: 'm-aside' },
          },
          server,
        );
      await runPlan(db, drop(3), quiet);
      const [listed, ...more] = await listBackups(db, { table: 'aside_c' });
      assert.equal(more.length, 0);
      assert.equal(listed!.kind, 'column');
      assert.equal(listed!.status, 'ready');
      assert.equal(listed!.sourceColumn, 'v');
      assert.equal(listed!.setAside, 'ballast_dropped_v');
      assert.equal(listed!.migration, 'm-aside');
      const days = (listed!.expiresAt.getTime() - listed!.createdAt.getTime()) / 86400_000;
      assert.ok(Math.abs(days - 3) < 0.01, `retention ${days} days`);

      // Not expired yet: purge leaves it.
      assert.deepEqual(await purgeBackups(db), []);
      await restoreBackup(db, { table: 'aside_c', column: 'v', migration: 'm-aside' });
      assert.deepEqual(await columnFacts(conn, 'aside_c', 'v'), {
        type: 'text',
        def: "'d'::text",
        notnull: true,
      });
      assert.equal(await checksum(conn, 'select id, v from aside_c'), before);
      assert.equal(await columnFacts(conn, 'aside_c', 'ballast_dropped_v'), undefined);
      assert.deepEqual(await listBackups(db, { table: 'aside_c' }), []);

      await runPlan(db, drop(0), quiet);
      const purged = await purgeBackups(db, { expiredOnly: true });
      assert.deepEqual(
        purged.map((b) => [b.sourceTable, b.setAside]),
        [['aside_c', 'ballast_dropped_v']],
      );
      assert.equal(await columnFacts(conn, 'aside_c', 'ballast_dropped_v'), undefined, 'the data is gone');
      assert.deepEqual(await listBackups(db, { table: 'aside_c' }), []);
      const history = await listBackups(db, { table: 'aside_c', includeHistory: true });
      assert.deepEqual(
        history.map((b) => b.status),
        ['restored', 'purged'],
      );
    });

    test('a set-aside table is listed with its size, and purged', async () => {
      await conn.query('create table aside_t (id int primary key, v text)');
      await conn.query("insert into aside_t select g, repeat('x', 100) from generate_series(1, 500) g");
      const server = await db.withSession(readServerInfo);
      await runPlan(
        db,
        planDropTable({ table: 'aside_t', confirmUnused: true, backup: { retentionDays: 0 } }, server),
        quiet,
      );
      const [listed] = await listBackups(db, { table: 'aside_t' });
      assert.equal(listed!.kind, 'table');
      assert.match(listed!.setAside ?? '', /^ballast_dropped_aside_t_\d{14}$/);
      assert.ok((listed!.bytes ?? 0) > 50_000, `bytes ${listed!.bytes}`);
      assert.ok(await exists(`ballast_backup.${listed!.setAside}`));
      assert.deepEqual(
        (await purgeBackups(db)).map((b) => b.id),
        [listed!.id],
      );
      assert.equal(await exists(`ballast_backup.${listed!.setAside}`), false);
    });

    test('kill -9 in the middle of a backup copy: the rerun resumes it, the backup holds every row exactly once', async () => {
      const rows = 20_000;
      await conn.query('create table copied (id int primary key, v text not null)');
      await conn.query(`insert into copied select g, 'v' || g from generate_series(1, ${rows}) g`);
      const before = await checksum(conn, 'select id, v from copied');
      const batches = async (d: Database) =>
        d.withSession(async (s) => {
          const [row] = await s.query<{ n: string | null }>(
            "select max(batches) as n from ballast_backfill_checkpoints where job like 'backup:%'",
          );
          return Number(row?.n ?? 0);
        });
      const killedAt = await runScriptAndKill(
        tdb.url,
        BACKUP_CHILD,
        [tdb.url, 'copied', 'v', 'm-kill', '200'],
        batches,
        {
          killAfterBatches: 10,
        },
      );
      assert.ok(killedAt >= 10 && killedAt < rows / 200, `killed after ${killedAt} of ${rows / 200} batches`);
      const [interrupted] = await listBackups(db, { table: 'copied' });
      assert.equal(interrupted!.status, 'copying');
      assert.ok(await columnFacts(conn, 'copied', 'v'), 'the column is still there');

      const backup = await dropColumnWithBackup(
        db,
        { table: 'copied', column: 'v', confirmUnused: true },
        { migration: 'm-kill', run: quiet },
      );
      assert.equal(backup.id, interrupted!.id, 'the interrupted backup is resumed, not started again');
      assert.equal(backup.rows, rows);
      const data = `${backup.backupSchema}.${backup.backupTable}`;
      const [counts] = await conn.query<{ n: string; ids: string }>(
        `select count(*) as n, count(distinct id) as ids from ${data}`,
      );
      assert.deepEqual(counts, { n: String(rows), ids: String(rows) });
      assert.equal(await checksum(conn, `select id, v from ${data}`), before);
      assert.deepEqual(await keyOf(data), ['id'], 'keyed once the copy is complete');
      const [checkpoint] = await conn.query<{ status: string; rows_done: string }>(
        'select status, rows_done from ballast_backfill_checkpoints where job = $1',
        [`backup:${backup.id}`],
      );
      assert.deepEqual(checkpoint, { status: 'done', rows_done: String(rows) });
      assert.equal(await columnFacts(conn, 'copied', 'v'), undefined, 'dropped after the copy');
      await restoreBackup(db, backup.id);
      assert.equal(await checksum(conn, 'select id, v from copied'), before);
    });

    test('a backup copy holding a key twice is refused before the drop, and never marked ready', async () => {
      const rows = 20_000;
      await conn.query('create table doubled (id int primary key, v text not null)');
      await conn.query(`insert into doubled select g, 'v' || g from generate_series(1, ${rows}) g`);
      await runScriptAndKill(
        tdb.url,
        BACKUP_CHILD,
        [tdb.url, 'doubled', 'v', 'm-dup', '200'],
        async (d) =>
          d.withSession(async (s) => {
            const [row] = await s.query<{ n: string | null }>(
              "select max(batches) as n from ballast_backfill_checkpoints where job like 'backup:%' and target like '%doubled%'",
            );
            return Number(row?.n ?? 0);
          }),
        { killAfterBatches: 5 },
      );
      const [interrupted] = await listBackups(db, { table: 'doubled' });
      assert.equal(interrupted!.status, 'copying');
      const data = `${interrupted!.backupSchema}.${interrupted!.backupTable}`;
      // What a copy bug would leave: a key already copied, copied again.
      await conn.query(`insert into ${data} select id, v from ${data} order by id limit 1`);
      await assert.rejects(
        dropColumnWithBackup(
          db,
          { table: 'doubled', column: 'v', confirmUnused: true },
          { migration: 'm-dup', run: quiet },
        ),
        (error: Error) => {
          assert.match(
            error.message,
            new RegExp(`backup ${interrupted!.id} .* holds a key of doubled more than once`),
          );
          assert.match(
            error.message,
            new RegExp(`nothing was dropped.*purgeBackups\\(db, \\{ ids: \\[${interrupted!.id}\\] \\}\\)`),
          );
          return true;
        },
      );
      assert.ok(await columnFacts(conn, 'doubled', 'v'), 'the column is still there');
      // Never ready; dropColumnWithBackup discards the copy of a column it did not drop.
      const [after] = await listBackups(db, { table: 'doubled', includeHistory: true });
      assert.equal(after!.id, interrupted!.id);
      assert.equal(after!.status, 'purged');
      assert.equal(await exists(data), false);
    });

    test("the backup's key is built past the session's statement_timeout and beside a reader of the backup, with progress", async () => {
      await conn.query('create table timed (id int primary key, v text not null)');
      await conn.query(`insert into timed select g, 'v' || g from generate_series(1, 20000) g`);
      // A role or pool with a statement_timeout (common in production): every copy batch fits in
      // it, the key build over a big copy would not. Here it waits on a lock instead, past the
      // timeout. 2 s, not less: this machine stalls statements for up to ~400 ms under load, and
      // a copy batch cancelled by the timeout fails the drop before the build is reached.
      const url = new URL(tdb.url);
      url.searchParams.set('options', '-c statement_timeout=2000');
      const timed = postgresDatabaseFromUrl(url.toString());
      const events: FinishEvent[] = [];
      const progress = { update() {}, finish: (e: FinishEvent) => void events.push(e) };
      const blockers: Blocker[] = [];
      try {
        const dropping = dropColumnWithBackup(
          timed,
          { table: 'timed', column: 'v', confirmUnused: true },
          {
            migration: 'm-timeout',
            progress,
            run: {
              log: () => {},
              backfill: { initialBatchSize: 200, minBatchSize: 200, maxBatchSize: 200, pauseMs: 5 },
            },
          },
        );
        const data = await eventually(async () => {
          const [b] = await listBackups(db, { table: 'timed' });
          const name = b && `${b.backupSchema}.${b.backupTable}`;
          return name && (await exists(name)) ? name : undefined;
        });
        // A pg_dump of the backup (ACCESS SHARE, held to the end) must not hold the build up; a
        // writer (ROW EXCLUSIVE) does, for longer than the statement_timeout. Neither stops the
        // copy's inserts.
        blockers.push(await holdLock(tdb.url, `lock table ${data} in access share mode`));
        const writer = await holdLock(tdb.url, `lock table ${data} in row exclusive mode`);
        blockers.push(writer);
        await eventually(async () => {
          const [waiting] = await conn.query(
            "select 1 from pg_stat_activity where wait_event_type = 'Lock' and query ilike 'create unique index%'",
          );
          return waiting;
        });
        await new Promise((r) => setTimeout(r, 2500));
        await writer.release();
        const backup = await dropping;
        assert.equal(backup.rows, 20_000);
        assert.deepEqual(await keyOf(data), ['id']);
        assert.ok(
          events.some(
            (e) =>
              e.operation === 'create-index' && e.target === `${data} (key)` && e.message === 'index built',
          ),
          JSON.stringify(events),
        );
      } finally {
        for (const b of blockers) await b.release();
        await timed.close?.();
      }
    });

    /** Polls `read` until it returns something (at most 20 s). */
    async function eventually<T>(read: () => Promise<T | undefined>): Promise<T> {
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
        const value = await read();
        if (value) return value;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('timed out waiting');
    }

    /** The key columns of the table's primary key or first unique index. */
    const keyOf = async (relation: string) =>
      (
        await conn.query<{ name: string }>(
          `select a.attname as name from pg_index i
             join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any (i.indkey)
            where i.indrelid = to_regclass($1) and (i.indisprimary or i.indisunique) order by a.attnum`,
          [relation],
        )
      ).map((r) => r.name);
  });

test("the contract's column drop is the drop planner's: the same backup and drop steps", async () => {
  const expansion = {
    id: 1,
    kind: 'rename-column',
    schema: 'public',
    table: 'orders',
    oldColumn: 'account_id',
    newColumn: 'customer_id',
    syncTrigger: 'orders_sync',
    syncFunction: 'orders_sync_fn',
    oldDefault: null,
  } as unknown as Parameters<typeof planContract>[0]['expansion'];
  const server = serverInfoFor(150000);
  const contract = planContract({ expansion }, server);
  const drop = planDropColumn(
    { schema: 'public', table: 'orders', column: 'account_id', keep: 'copy', confirmUnused: true },
    server,
  );
  const [backup, dropStep] = drop.steps;
  assert.deepEqual(contract.steps[0], backup, "the contract starts with the drop planner's backup step");
  assert.ok(dropStep?.kind === 'sql');
  const inContract = contract.steps.find((s) => s.id === dropStep.id);
  assert.ok(inContract?.kind === 'sql');
  assert.equal(
    inContract.sql,
    'ALTER TABLE "public"."orders" DISABLE TRIGGER "orders_sync", DROP COLUMN IF EXISTS "account_id"',
  );
  assert.equal(dropStep.sql, 'ALTER TABLE "public"."orders" DROP COLUMN IF EXISTS "account_id"');
});
