/**
 * `ballast status` on real PostgreSQL: a database Ballast never saw (says so, creates nothing),
 * then one with a lock holder, a failed journaled step, a backfill, an expansion and a backup,
 * read as text, as JSON, and by a role that may only SELECT Ballast's tables.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  type Database,
  dropColumnWithBackup,
  planAddCheck,
  postgresDatabaseFromUrl,
  readServerInfo,
  renameColumn,
  runBackfill,
  runPlan,
  withMigratorLock,
} from '@ballast/core';
import { pgServers, pgTestDatabase, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { ballast } from './fixtures/cli.js';

const quiet = { log: () => {}, lockTimeoutMs: 1000 };

/** Ballast's relations and schema in the database, to prove a command created none. */
const ballastObjects = async (conn: SqlConnection) =>
  (
    await conn.query<{ name: string }>(
      `select relname as name from pg_class where relname like 'ballast%'
       union all select nspname from pg_namespace where nspname like 'ballast%' order by 1`,
    )
  ).map((r) => r.name);

for (const server of pgServers())
  describe(`[pg ${server.label}] ballast status`, () => {
    let tdb: TestDatabase;
    let conn: SqlConnection;
    let db: Database;
    beforeAll(async () => {
      tdb = await pgTestDatabase('cli_status', server);
      conn = await tdb.connect();
      db = postgresDatabaseFromUrl(tdb.url, { max: 4 });
    });
    afterAll(async () => {
      await db.close?.();
      await conn.close();
      await tdb.drop();
    });

    test('on a database Ballast never ran on: says so and creates nothing', async () => {
      const r = await ballast('status', '--database-url', tdb.url);
      assert.deepEqual(r, {
        code: 0,
        stdout: 'Ballast has not run on this database: none of its ballast_* tables exists.\n',
        stderr: '',
      });
      const json = JSON.parse((await ballast('status', '--json', '--database-url', tdb.url)).stdout);
      assert.equal(json.ballastUsed, false);
      assert.deepEqual(await ballastObjects(conn), []);
    });

    test('lock holder, failed step, backfill, expansion and backup; also for a read-only role', async () => {
      await conn.query('create table users (id int primary key, name text, bio text, email text)');
      await conn.query(`insert into users select g, 'n' || g, 'bio ' || g from generate_series(1, 100) g`);
      await dropColumnWithBackup(
        db,
        { table: 'users', column: 'bio', confirmUnused: true },
        { lockTimeoutMs: 1000, migration: '001_drop_bio' },
      );
      await renameColumn(
        db,
        { table: 'users', from: 'name', to: 'full_name' },
        { ...quiet, migration: '002_rename' },
      );
      await runBackfill(
        db,
        { table: 'users', set: { email: "'x@example.com'" } },
        { job: 'fill-email', maxReplicaLagMs: 0 },
      );
      const info = await db.withSession(readServerInfo);
      await assert.rejects(
        runPlan(db, planAddCheck({ table: 'users', name: 'users_id_negative', expression: 'id < 0' }, info), {
          ...quiet,
          migration: '003_check',
        }),
      );

      const url = new URL(tdb.url);
      url.searchParams.set('application_name', 'deployer-7');
      const holder = postgresDatabaseFromUrl(url.toString(), { max: 2 });
      const [text, json] = await withMigratorLock(holder, 'ballast', async () =>
        Promise.all([
          ballast('status', '--database-url', tdb.url),
          ballast('status', '--json', '--database-url', tdb.url),
        ]),
      ).finally(() => holder.close?.());

      assert.equal(text.code, 0, text.stderr);
      assert.match(
        text.stdout,
        /^migrator lock: held\n {2}ballast\s+pid \d+@\S+\s+application_name deployer-7\s+since /,
      );
      assert.match(
        text.stdout,
        /migrations with failed or unfinished steps \(1 of \d+ journaled\):\n {2}003_check: 0 steps done\n {4}\S+:validate failed .*check constraint "users_id_negative"[^\n]*\n {6}→ fix the cause/,
      );
      assert.match(
        text.stdout,
        /backfills:\n {2}JOB.*\n( {2}.*\n)* {2}fill-email\s+done\s+public\.users\s+100\/~100 rows \(100%\)/,
      );
      assert.match(
        text.stdout,
        /expansions waiting for their contract:\n {2}public\.users\s+name → full_name\s+rename-column\s+expanded .* ago\)\s+002_rename/,
      );
      assert.match(
        text.stdout,
        /backups:\n {2}ID.*\n {2}\d+\s+ready\s+column public\.users\.bio\s+100\s+\d+(\.\d)? kB\s+\S+ \S+ UTC \(in (6d23h|7d00h)\)/,
      );

      const report = JSON.parse(json.stdout);
      assert.equal(report.locks[0].applicationName, 'deployer-7');
      assert.deepEqual(
        report.journal.unfinished.map((m: { migration: string }) => m.migration),
        ['003_check'],
      );
      const fill = report.backfills.find((b: { job: string }) => b.job === 'fill-email');
      assert.deepEqual([fill.state, fill.rowsDone, fill.estimatedRows], ['done', 100, 100]);
      assert.deepEqual(
        report.expansions.map((e: { oldColumn: string; newColumn: string }) => [e.oldColumn, e.newColumn]),
        [['name', 'full_name']],
      );
      assert.equal(report.backups[0].sourceColumn, 'bio');
      assert.equal(report.backups[0].rows, 100);
      assert.ok(report.backups[0].bytes > 0);

      // A role that may only read Ballast's tables (docs/privileges.md) sees the same, creating nothing.
      const role = `ballast_ro_${randomBytes(4).toString('hex')}`;
      const password = `pw-${randomBytes(6).toString('hex')}`;
      await conn.query(`create role ${role} login password '${password}'`);
      try {
        await conn.query(
          `grant select on ballast_locks, ballast_journal, ballast_backfill_checkpoints, ballast_expansions, ballast_backups to ${role}`,
        );
        // USAGE on ballast_backup: the backup listing looks up each backup's table there for its size.
        await conn.query(`grant usage on schema ballast_backup to ${role}`);
        const before = await ballastObjects(conn);
        const roUrl = new URL(tdb.url);
        [roUrl.username, roUrl.password] = [role, password];
        const ro = await ballast('status', '--json', '--database-url', roUrl.toString());
        assert.equal(ro.code, 0, ro.stderr);
        const seen = JSON.parse(ro.stdout);
        assert.equal(seen.locks.length, 0, 'the lock was released');
        assert.deepEqual(
          [seen.journal, seen.backfills.length, seen.expansions.length, seen.backups.length],
          [report.journal, report.backfills.length, 1, 1],
        );
        assert.deepEqual(await ballastObjects(conn), before);
        assert.doesNotMatch(ro.stdout + ro.stderr, new RegExp(password));
      } finally {
        await conn.query(`drop owned by ${role}`);
        await conn.query(`drop role ${role}`);
      }
    });
  });
