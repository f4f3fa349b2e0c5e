/**
 * `ballast status` and `ballast backups` on the harness's MariaDB (BALLAST_SERVERS=mysql or
 * postgres,mysql), asserting on the database: a dropped column and a dropped table come back
 * through the CLI, exit codes say what happened, and credentials never reach the output.
 */
import assert from 'node:assert/strict';
import {
  type Database,
  dropColumnWithBackup,
  dropTableWithBackup,
  mysqlDatabaseFromUrl,
  planCreateIndex,
  readServerInfo,
  runPlan,
} from '@ballast/core';
import { runtimeOf } from '@ballast/core/adapter';
import { mysqlTestDatabase, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, test } from 'vitest';
import { ballast } from './fixtures/cli.js';

let tdb: TestDatabase;
let conn: SqlConnection;
let db: Database;
let schema: string;
const cli = (...args: string[]) => ballast(...args, '--database-url', tdb.url);

beforeAll(async () => {
  tdb = await mysqlTestDatabase('cli_my');
  conn = await tdb.connect();
  db = mysqlDatabaseFromUrl(tdb.url, { max: 4 });
  schema = (await conn.query<{ db: string }>('select database() as db'))[0]!.db;
  await conn.query(
    "create table users (id int primary key, bio varchar(100) not null default '-', note text) engine=InnoDB",
  );
  await conn.query(
    "insert into users select seq, concat('bio ', seq), concat('note ', seq) from seq_1_to_50",
  );
  await conn.query('create table logs (id int primary key, msg text) engine=InnoDB');
  await conn.query("insert into logs select seq, concat('line ', seq) from seq_1_to_20");
});
afterAll(async () => {
  await db?.close?.();
  await conn?.close();
  await tdb?.drop();
});

const columnOf = async (table: string, column: string) =>
  conn.query<{ t: string; n: string; d: string | null }>(
    `select COLUMN_TYPE as t, IS_NULLABLE as n, COLUMN_DEFAULT as d from information_schema.COLUMNS
      where TABLE_SCHEMA = database() and TABLE_NAME = $1 and COLUMN_NAME = $2`,
    [table, column],
  );

test('status and backups on a mysql:// URL: list, restore a column and a table, purge, exit codes', async () => {
  const fresh = await cli('status');
  assert.deepEqual(fresh, {
    code: 0,
    stdout: 'Ballast has not run on this database: none of its ballast_* tables exists.\n',
    stderr: '',
  });
  assert.deepEqual(await cli('backups', 'list'), {
    code: 0,
    stdout: 'no backups in this database\n',
    stderr: '',
  });

  const bio = await dropColumnWithBackup(
    db,
    { table: 'users', column: 'bio', confirmUnused: true },
    { migration: '001' },
  );
  const note = await dropColumnWithBackup(db, { table: 'users', column: 'note', confirmUnused: true });
  const logs = await dropTableWithBackup(db, { table: 'logs', confirmUnused: true });
  assert.deepEqual(await columnOf('users', 'bio'), []);

  const list = await cli('backups', 'list');
  assert.equal(list.code, 0, list.stderr);
  assert.match(
    list.stdout,
    new RegExp(`^  ${bio.id}\\s+ready\\s+column ${schema}\\.users\\.bio\\s+001\\s+\\?\\s`, 'm'),
  );
  assert.match(
    list.stdout,
    new RegExp(`^  ${logs.id}\\s+ready\\s+table ${schema}\\.logs\\s+-\\s+\\?\\s`, 'm'),
  );
  const listed = JSON.parse((await cli('backups', 'list', '--json')).stdout);
  assert.deepEqual(
    listed.map((b: { id: number; kind: string }) => [b.id, b.kind]),
    [
      [bio.id, 'column'],
      [note.id, 'column'],
      [logs.id, 'table'],
    ],
  );

  const status = await cli('status');
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /^migrator lock: free$/m);
  assert.match(status.stdout, /^expansions waiting for their contract: /m);
  assert.match(
    status.stdout,
    new RegExp(`^  ${bio.id}\\s+ready\\s+column ${schema}\\.users\\.bio\\s+\\?\\s`, 'm'),
  );
  const report = JSON.parse((await cli('status', '--json')).stdout);
  assert.equal(report.ballastUsed, true);
  assert.deepEqual(
    report.backups.map((b: { id: number }) => b.id),
    [bio.id, note.id, logs.id],
  );

  const restore = await cli('backups', 'restore', String(bio.id));
  assert.equal(restore.code, 0, restore.stderr);
  assert.equal(restore.stdout, `restored backup ${bio.id}: column ${schema}.users.bio is back\n`);
  assert.deepEqual(await columnOf('users', 'bio'), [{ t: 'varchar(100)', n: 'NO', d: "'-'" }]);
  assert.deepEqual(await conn.query("select count(*) as n from users where bio = concat('bio ', id)"), [
    { n: 50 },
  ]);
  const again = await cli('backups', 'restore', String(bio.id));
  assert.equal(again.code, 1);
  assert.match(again.stderr, new RegExp(`backup ${bio.id} of users is restored, not restorable`));

  const table = await cli('backups', 'restore', String(logs.id));
  assert.equal(table.code, 0, table.stderr);
  assert.equal(table.stdout, `restored backup ${logs.id}: table ${schema}.logs is back\n`);
  assert.deepEqual(await conn.query("select count(*) as n from logs where msg = concat('line ', id)"), [
    { n: 20 },
  ]);

  assert.deepEqual(await cli('backups', 'purge', '--expired'), {
    code: 0,
    stdout: 'nothing to purge: no backup has expired\n',
    stderr: '',
  });
  const purge = await cli('backups', 'purge', String(note.id));
  assert.equal(purge.code, 0, purge.stderr);
  assert.equal(purge.stdout, `purged backup ${note.id}: column ${schema}.users.note\n`);
  const [purged] = await conn.query<{ status: string }>('select status from ballast_backups where id = $1', [
    note.id,
  ]);
  assert.equal(purged!.status, 'purged');
  const unknown = await cli('backups', 'restore', '9999');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^ballast backups restore: .*9999/);
});

test('PostgreSQL-only commands refuse a mysql:// URL with the reason; credentials are masked', async () => {
  const verify = await cli('verify', 'users', 'a', 'b');
  assert.equal(verify.code, 2);
  assert.match(
    verify.stderr,
    /^ballast verify: runs on PostgreSQL only, not on mysql:\/\/: shadow verification/,
  );
  const backfill = await ballast(
    'backfill',
    'list',
    '--database-url',
    tdb.url.replace(/^mysql:/, 'mariadb:'),
  );
  assert.equal(backfill.code, 2);
  assert.match(
    backfill.stderr,
    /^ballast backfill list: runs on PostgreSQL only, not on mariadb:\/\/: pause, resume/,
  );

  const check = await ballast('check', 'migrations', '--database-url', 'mysql://root:hunter2secret@db/app');
  assert.equal(check.code, 2);
  assert.match(
    check.stderr,
    /^ballast check: runs on PostgreSQL only, not on mysql:\/\/: check copies the database/,
  );
  assert.doesNotMatch(check.stderr, /hunter2secret/);

  // The harness's root has no password: one given is refused by the server, and never printed.
  const withPassword = tdb.url.replace('mysql://root@', 'mysql://root:hunter2secret@');
  const denied = await ballast('status', '--database-url', withPassword);
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /Access denied[\s\S]*check the user and password/);
  assert.doesNotMatch(denied.stderr + denied.stdout, /hunter2secret/);
  const refused = await ballast(
    'backups',
    'list',
    '--database-url',
    'mariadb://root:hunter2secret@127.0.0.1:1/app',
  );
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /ECONNREFUSED[\s\S]*check the host and port/);
  assert.doesNotMatch(refused.stderr + refused.stdout, /hunter2secret/);
});

test('status on MariaDB names the GET_LOCK holder while its session holds it, and failed journal steps', async () => {
  const server = await db.withSession(readServerInfo);
  await assert.rejects(
    runPlan(
      db,
      planCreateIndex({ table: 'users', columns: ['missing'], name: 'users_missing_idx' }, server),
      {
        migration: '002_broken',
        lock: false,
        log: () => {},
      },
    ),
  );
  const lock = runtimeOf(db).sessionLock!;
  await db.withSession(async (s) => {
    await s.query(lock.ddl);
    const request = { name: 'ballast', holder: 'test', pid: 4242, host: 'ci-host', ttlMs: 0 };
    assert.equal(await lock.tryAcquire(s, request), true);
    const held = await cli('status');
    assert.equal(held.code, 0, held.stderr);
    assert.match(
      held.stdout,
      /^migrator lock: held\n {2}ballast\s+pid 4242@ci-host\s+application_name -\s+since /m,
    );
    assert.match(
      held.stdout,
      /^ {2}002_broken: 0 steps done\n {4}create-index:users_missing_idx:create-index failed /m,
    );
    await lock.release(s, request);
  });
  assert.match((await cli('status')).stdout, /^migrator lock: free$/m);
});
