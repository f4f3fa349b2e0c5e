/**
 * The MySQL/MariaDB runtime on the harness's real server (BALLAST_SERVERS=postgres,mariadb):
 * server info, the step settings, error classification from errors the server really raised,
 * blockers of a DDL queued on a metadata lock, and what every planner does with a MySQL server:
 * plan MySQL SQL that the runner applies there, or refuse through requireDialect.
 */
import assert from 'node:assert/strict';
import {
  LockTimeoutError,
  type MysqlServerInfo,
  planAddColumn,
  planAddPrimaryKey,
  planChangeColumnType,
  planContract,
  planCreateIndex,
  planDropColumn,
  planDropTable,
  planRenameColumn,
  planSetNotNull,
  planUndoContract,
  readServerInfo,
  runPlan,
  type ServerInfo,
  UnsupportedServerError,
} from '@ballast/core';
import { runtimeOf } from '@ballast/core/adapter';
import type { SqlConnection } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { type MysqlFixture, mysqlFixture } from './support/mysql.js';
import { logLines } from './support/pg.js';

let fx: MysqlFixture;
let server: ServerInfo;
const mysql = runtimeOf('mysql');

beforeAll(async () => {
  fx = await mysqlFixture('dialect');
  server = await fx.db.withSession(readServerInfo);
});
afterAll(() => fx.close());

/**
 * Polls `probe` until it answers, while `statement` (the one expected to wait) is still running:
 * if the statement ends first (an error, or no wait at all), the test fails with what it ended
 * with instead of polling forever. No timing is asserted. Polls every 150 ms: InnoDB refreshes its
 * INNODB_TRX cache only after 100 ms without a reader.
 */
async function whileWaiting<T>(statement: Promise<unknown>, probe: () => Promise<T | undefined>): Promise<T> {
  let ended: { value: unknown } | undefined;
  statement.then(
    (value) => {
      ended = { value };
    },
    (error: unknown) => {
      ended = { value: error };
    },
  );
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (ended) assert.fail(`the statement expected to wait ended first: ${String(ended.value)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Until connection `id` waits on a metadata lock (its `statement` still running). */
async function waitUntilQueued(id: number, statement: Promise<unknown>): Promise<void> {
  await whileWaiting(statement, async () => {
    const [row] = await fx.sql<{ state: string | null }>(
      'select STATE as state from information_schema.PROCESSLIST where ID = ?',
      [id],
    );
    return /metadata lock/i.test(row?.state ?? '') ? true : undefined;
  });
}

/** A client transaction that wrote to `table` and stays open: it holds the table's metadata lock. */
async function openWriter(table: string): Promise<SqlConnection> {
  const app = await fx.connect();
  await app.query('begin');
  await app.query(`update ${table} set v = v where id = 1`);
  return app;
}

test('readServerInfo reads the flavor, version and MySQL capabilities, no PostgreSQL filler', async () => {
  const [row] = await fx.sql<{ v: string }>('select version() as v');
  const [, major, minor, patch] = /^(\d+)\.(\d+)\.(\d+)/.exec(row!.v)!.map(Number);
  assert.equal(server.dialect, 'mysql');
  const info = server as MysqlServerInfo;
  assert.equal(info.flavor, /mariadb/i.test(row!.v) ? 'mariadb' : 'mysql');
  assert.equal(info.versionNum, major! * 10000 + minor! * 100 + patch!);
  assert.ok(info.version.includes(row!.v));
  assert.deepEqual(Object.keys(info.capabilities).sort(), [
    'flavor',
    'instantAddColumn',
    'instantAddColumnAnyPosition',
    'version',
  ]);
  assert.deepEqual(info.capabilities.version, [major, minor, patch]);
  if (info.flavor === 'mariadb' && major! >= 10 && minor! >= 4)
    assert.equal(info.capabilities.instantAddColumn, true);
});

test('step settings: lock_wait_timeout, innodb_lock_wait_timeout and the statement limit, then put back', async () => {
  const conn = await fx.connect();
  try {
    const maria = (server as MysqlServerInfo).flavor === 'mariadb';
    const limit = maria ? 'max_statement_time' : 'max_execution_time';
    const read = async () =>
      (
        await conn.query<{ lwt: number; ilwt: number; st: number }>(
          `select @@session.lock_wait_timeout as lwt, @@session.innodb_lock_wait_timeout as ilwt, @@session.${limit} as st`,
        )
      )[0]!;
    const before = await read();
    const restore = await mysql.applyStepSettings(
      conn,
      { lockTimeoutMs: 1500, statementTimeoutMs: 2500 },
      'own-transaction',
    );
    const during = await read();
    assert.equal(Number(during.lwt), 2, 'whole seconds, rounded up');
    assert.equal(Number(during.ilwt), 2);
    assert.equal(Number(during.st), maria ? 2.5 : 2500);
    await restore();
    assert.deepEqual(await read(), before);
  } finally {
    await conn.close();
  }
});

test('errors the server raised are classified: lock wait timeout, deadlock, statement timeout, duplicates, missing', async () => {
  await fx.sql('create table errs (id int primary key, v int) engine=InnoDB');
  await fx.sql('insert into errs values (1, 1)');
  const fail = (sql: string, setup: string[] = []) =>
    fx.db.withSession(async (s) => {
      for (const q of setup) await s.query(q);
      return s.query(sql).then(
        () => assert.fail(`${sql} succeeded`),
        (error: unknown) => error,
      );
    });
  assert.equal(mysql.classifyError(await fail('insert into errs values (1, 2)')), 'unique-violation');
  assert.equal(mysql.classifyError(await fail('create table errs (id int)')), 'duplicate-object');
  assert.equal(mysql.classifyError(await fail('select * from no_such_table')), 'undefined-object');
  const app = await openWriter('errs');
  try {
    const timeout = await fail('alter table errs add column w int', ['set session lock_wait_timeout = 1']);
    assert.equal(mysql.classifyError(timeout), 'lock-timeout');
    assert.equal(mysql.errorCode(timeout), '1205');
    const rowWait = await fail('update errs set v = 3 where id = 1', [
      'set session innodb_lock_wait_timeout = 1',
    ]);
    assert.equal(mysql.classifyError(rowWait), 'lock-timeout');
  } finally {
    await app.query('rollback');
    await app.close();
  }
  // Two transactions updating two rows in opposite orders: InnoDB rolls one back with 1213.
  await fx.sql('insert into errs values (2, 2)');
  const [a, b] = [await fx.connect(), await fx.connect()];
  try {
    for (const c of [a, b]) await c.query('begin');
    await a.query('update errs set v = v where id = 1');
    await b.query('update errs set v = v where id = 2');
    const crossed = await Promise.allSettled([
      a.query('update errs set v = v where id = 2'),
      b.query('update errs set v = v where id = 1'),
    ]);
    const failed = crossed.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    assert.deepEqual(
      failed.map((e) => mysql.classifyError(e)),
      ['deadlock'],
    );
  } finally {
    for (const c of [a, b]) await c.query('rollback').catch(() => {});
    await Promise.all([a.close(), b.close()]);
  }
  if ((server as MysqlServerInfo).flavor === 'mariadb') {
    const slow = await fail('select sleep(5) from errs', ['set session max_statement_time = 0.2']);
    assert.equal(mysql.classifyError(slow), 'statement-timeout');
  }
  // The PostgreSQL runtime does not mistake a MySQL error for one of its own, nor the reverse.
  assert.equal(runtimeOf('postgres').classifyError(await fail('insert into errs values (1, 2)')), undefined);
  assert.equal(mysql.classifyError({ code: '55P03' }), undefined);
});

test('blockers of a DDL queued on a metadata lock name the open transaction holding it', async () => {
  await fx.sql('create table queued (id int primary key, v int) engine=InnoDB');
  await fx.sql('insert into queued values (1, 1)');
  const app = await openWriter('queued');
  const ddl = await fx.connect();
  try {
    await ddl.query('set session lock_wait_timeout = 30');
    const altering = ddl.query('alter table queued add column w int');
    await waitUntilQueued(ddl.sessionId, altering);
    const blockers = await fx.db.withSession((s) => mysql.blockersOf(s, ddl.sessionId));
    assert.deepEqual(
      blockers.map((b) => ({ pid: b.pid, state: b.state })),
      [{ pid: app.sessionId, state: 'idle in transaction' }],
    );
    assert.match(
      mysql.formatBlocker(blockers[0]!),
      new RegExp(`^connection ${app.sessionId} \\(idle in transaction`),
    );
    await app.query('commit');
    await altering;
  } finally {
    await app.close();
    await ddl.close();
  }
  const cols = await fx.sql<{ c: string }>(
    "select COLUMN_NAME as c from information_schema.COLUMNS where TABLE_SCHEMA = database() and TABLE_NAME = 'queued' order by ORDINAL_POSITION",
  );
  assert.deepEqual(
    cols.map((c) => c.c),
    ['id', 'v', 'w'],
  );
});

test('blockers of a statement waiting for a row lock name the transaction holding the row', async () => {
  await fx.sql('create table rows_held (id int primary key, v int) engine=InnoDB');
  await fx.sql('insert into rows_held values (1, 1)');
  const app = await openWriter('rows_held');
  const waiter = await fx.connect();
  try {
    await waiter.query('set session innodb_lock_wait_timeout = 30');
    const updating = waiter.query('update rows_held set v = 2 where id = 1');
    const blockers = await whileWaiting(updating, async () => {
      const found = await fx.db.withSession((s) => mysql.blockersOf(s, waiter.sessionId));
      return found.length > 0 ? found : undefined;
    });
    assert.deepEqual(
      blockers.map((b) => ({ pid: b.pid, state: b.state })),
      [{ pid: app.sessionId, state: 'idle in transaction' }],
    );
    await app.query('commit');
    await updating;
  } finally {
    await app.close();
    await waiter.close();
  }
});

test('every planner either plans MySQL SQL the runner applies, or refuses naming the MySQL issue', async () => {
  await fx.sql('create table p (id int primary key, email varchar(100), v int) engine=InnoDB');
  const planned = [
    planAddColumn(
      { table: 'p', column: 'nick', type: 'varchar(40)', default: { value: 'n/a' }, notNull: true },
      server,
    ),
    planCreateIndex({ table: 'p', columns: ['email'] }, server),
  ];
  for (const plan of planned) {
    for (const step of plan.steps) assert.doesNotMatch(step.kind === 'sql' ? step.sql : '', /CONCURRENTLY|"/);
    await runPlan(fx.db, plan, { lock: false });
  }
  const cols = await fx.sql<{ c: string; n: string; d: string }>(
    `select COLUMN_NAME as c, IS_NULLABLE as n, COLUMN_DEFAULT as d from information_schema.COLUMNS
      where TABLE_SCHEMA = database() and TABLE_NAME = 'p' and COLUMN_NAME = 'nick'`,
  );
  assert.deepEqual(
    cols.map((c) => [c.n, String(c.d).replace(/^'|'$/g, '')]),
    [['NO', 'n/a']],
  );
  const idx = await fx.sql<{ i: string }>(
    "select distinct INDEX_NAME as i from information_schema.STATISTICS where TABLE_SCHEMA = database() and TABLE_NAME = 'p' and COLUMN_NAME = 'email'",
  );
  assert.equal(idx.length, 1);

  const ref = { table: 'p' };
  const refusing: [string, () => unknown][] = [
    ['planAddPrimaryKey', () => planAddPrimaryKey({ ...ref, columns: ['id'] } as never, server)],
    [
      'planChangeColumnType',
      () => planChangeColumnType({ ...ref, column: 'v', type: 'bigint' } as never, server),
    ],
    ['planContract', () => planContract({ ...ref } as never, server)],
    ['planDropColumn', () => planDropColumn({ ...ref, column: 'v' } as never, server)],
    ['planDropTable', () => planDropTable({ ...ref } as never, server)],
    ['planRenameColumn', () => planRenameColumn({ ...ref, from: 'v', to: 'w' } as never, server)],
    ['planSetNotNull', () => planSetNotNull({ ...ref, column: 'v' }, server)],
    ['planUndoContract', () => planUndoContract({ ...ref } as never, server)],
  ];
  for (const [name, plan] of refusing) {
    assert.throws(plan, (error: unknown) => {
      assert.ok(error instanceof UnsupportedServerError, `${name}: ${String(error)}`);
      assert.equal(error.details.where, name);
      assert.match(
        error.message,
        new RegExp(`^${name} plans for PostgreSQL only; this server is (MariaDB|MySQL) `),
      );
      assert.match(error.details.hint ?? '', /has no MySQL\/MariaDB plan yet/);
      return true;
    });
  }
});

test('runPlan on MariaDB: a blocked step retries on 1205 naming the blocker, then journals and skips on rerun', async () => {
  await fx.sql('create table r (id int primary key, v int) engine=InnoDB');
  await fx.sql('insert into r values (1, 1)');
  const plan = planAddColumn({ table: 'r', column: 'w', type: 'int' }, server);
  const app = await openWriter('r');
  const { lines, log } = logLines();
  try {
    // The timed attempts themselves (the wait without queueing would spend the budget first).
    const error = await runPlan(fx.db, plan, {
      lock: false,
      log,
      lockTimeoutMs: 1000,
      waitForConflictingLocks: false,
      retry: { maxAttempts: 2, baseDelayMs: 0 },
    }).catch((e: unknown) => e);
    assert.ok(error instanceof LockTimeoutError, String(error));
    assert.equal(error.attempts, 2);
    assert.ok(
      error.blockers.some((b) => b.startsWith(`connection ${app.sessionId} (idle in transaction`)),
      error.blockers.join('\n'),
    );
    assert.ok(lines.some((l) => l.startsWith(`lock timeout on ${plan.steps[0]!.id} (attempt 1/2`)));
  } finally {
    await app.query('rollback');
    await app.close();
  }
  const first = await runPlan(fx.db, plan, { lock: false, migration: '001_r' });
  assert.deepEqual(
    first.steps.map((s) => s.status),
    ['applied'],
  );
  const again = await runPlan(fx.db, plan, { lock: false, migration: '001_r' });
  assert.deepEqual(
    again.steps.map((s) => s.status),
    ['skipped'],
  );
  const journal = await fx.sql<{ step_id: string; success: number }>(
    "select step_id, success from ballast_journal where migration = '001_r'",
  );
  assert.deepEqual(journal, [{ step_id: plan.steps[0]!.id, success: 1 }]);
  const engine = await fx.sql<{ e: string }>(
    "select ENGINE as e from information_schema.TABLES where TABLE_SCHEMA = database() and TABLE_NAME = 'ballast_journal'",
  );
  assert.deepEqual(engine, [{ e: 'InnoDB' }]);
});

describe("with MariaDB's METADATA_LOCK_INFO plugin", () => {
  let installed = false;
  const maria = () => (server as MysqlServerInfo).flavor === 'mariadb';
  beforeAll(async () => {
    if (!maria()) return;
    const [row] = await fx.sql<{ n: number }>(
      "select count(*) as n from information_schema.PLUGINS where PLUGIN_NAME = 'METADATA_LOCK_INFO'",
    );
    if (Number(row?.n) === 0) {
      await fx.sql("install soname 'metadata_lock_info'");
      installed = true;
    }
  });
  afterAll(async () => {
    if (installed) await fx.sql("uninstall soname 'metadata_lock_info'");
  });

  test('blockers of a queued DDL are the holders of that table only, not every open transaction', async (t) => {
    if (!maria()) return t.skip('METADATA_LOCK_INFO is a MariaDB plugin');
    await fx.sql('create table mdl_a (id int primary key, v int) engine=InnoDB');
    await fx.sql('create table mdl_b (id int primary key, v int) engine=InnoDB');
    await fx.sql('insert into mdl_a values (1, 1)');
    await fx.sql('insert into mdl_b values (1, 1)');
    const holder = await openWriter('mdl_a');
    const elsewhere = await openWriter('mdl_b');
    const ddl = await fx.connect();
    try {
      await ddl.query('set session lock_wait_timeout = 30');
      const altering = ddl.query('alter table mdl_a add column w int');
      await waitUntilQueued(ddl.sessionId, altering);
      const blockers = await fx.db.withSession((s) => mysql.blockersOf(s, ddl.sessionId));
      assert.deepEqual(
        blockers.map((b) => b.pid),
        [holder.sessionId],
      );
      await holder.query('commit');
      await altering;
    } finally {
      await elsewhere.query('rollback');
      for (const c of [holder, elsewhere, ddl]) await c.close();
    }
  });

  test('runPlan waits without queueing while a long transaction holds the table, then applies in one attempt', async (t) => {
    if (!maria()) return t.skip('METADATA_LOCK_INFO is a MariaDB plugin');
    await fx.sql('create table mdl_w (id int primary key, v int) engine=InnoDB');
    await fx.sql('insert into mdl_w values (1, 1)');
    const holder = await openWriter('mdl_w');
    const step = {
      kind: 'sql' as const,
      id: 'add-w',
      description: 'add column w',
      lock: 'METADATA EXCLUSIVE' as const,
      transactional: true,
      timeout: 'ddl' as const,
      sql: 'ALTER TABLE mdl_w ADD COLUMN w int, ALGORITHM=INSTANT',
      relations: [{ table: 'mdl_w' }],
    };
    const lines: string[] = [];
    let released: Promise<unknown> | undefined;
    const report = await runPlan(
      fx.db,
      { operation: 'add-column', target: 'mdl_w.w', steps: [step], reverse: [], notes: [] },
      {
        lock: false,
        log: (line) => {
          lines.push(line);
          // The holder ends only once the runner said it waits for it: no clock in this test.
          if (line.startsWith('waiting for add-w without queueing')) released ??= holder.query('commit');
        },
      },
    ).finally(async () => {
      await (released ?? holder.query('rollback'));
      await holder.close();
    });
    assert.deepEqual(
      report.steps.map((s) => [s.status, s.attempts]),
      [['applied', 1]],
    );
    const waiting = lines.find((l) => l.startsWith('waiting for add-w without queueing'));
    assert.match(
      waiting ?? '',
      new RegExp(`METADATA EXCLUSIVE on mdl_w.*connection ${holder.sessionId} \\(idle in transaction`),
    );
    assert.ok(lines.some((l) => l.startsWith('add-w: the conflicting transactions ended')));
    assert.ok(!lines.some((l) => l.startsWith('lock timeout')), lines.join('\n'));
  });
});
