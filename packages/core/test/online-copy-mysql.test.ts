/**
 * The MySQL/MariaDB online copy (BALLAST_SERVERS=postgres,mysql): shadow table, sync triggers,
 * checkpointed copy on the batch loop, checksum, atomic RENAME swap, old table kept as a backup.
 * BALLAST_MYSQL_COPY_ROWS raises the table under traffic (default 200k rows).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Database, listBackups, onlineCopy, purgeBackups } from '@ballast/core';
import { startTraffic, type Workload } from '@ballast/testkit';
import { afterAll, beforeAll, test } from 'vitest';
import { type MysqlFixture, mysqlFixture } from './support/mysql.js';

const CHILD = fileURLToPath(new URL('./fixtures/mysql-online-copy-child.ts', import.meta.url));
const ROWS = Number(process.env.BALLAST_MYSQL_COPY_ROWS ?? 200_000);
const CLIENTS = 4;

let fx: MysqlFixture;
beforeAll(async () => {
  fx = await mysqlFixture('myonlinecopy');
});
afterAll(() => fx.close());

/** `id` 1..rows with n = id % 1000 (MariaDB's sequence engine fills it in one statement). */
async function createNumbers(table: string, rows: number): Promise<void> {
  await fx.sql(
    `create table \`${table}\` (id bigint primary key, n int not null, note varchar(40)) engine=InnoDB`,
  );
  await fx.sql(`insert into \`${table}\` (id, n, note) select seq, seq % 1000, 'seed' from seq_1_to_${rows}`);
}

const columnType = async (table: string, column: string) =>
  (
    await fx.sql<{ t: string }>(
      'select COLUMN_TYPE as t from information_schema.COLUMNS where TABLE_SCHEMA = database() and TABLE_NAME = ? and COLUMN_NAME = ?',
      [table, column],
    )
  )[0]?.t;

/** The online copy's triggers (`_<table>_ballast_ins|upd|del`) left in the test database. */
const triggersOn = async () =>
  (
    await fx.sql<{ n: string }>(
      "select TRIGGER_NAME as n from information_schema.TRIGGERS where TRIGGER_SCHEMA = database() and TRIGGER_NAME like '%\\_ballast\\_%'",
    )
  ).map((r) => r.n);

/**
 * Each client writes only ids ≡ client (mod 4), one query at a time, so the table's final
 * content is known exactly: `expected` follows every write as it is sent (a failed write fails
 * the test anyway).
 */
function partitionedWorkload(table: string, rows: number, expected: Map<number, number>): Workload {
  const t = `\`${table}\``;
  const next = Array.from({ length: CLIENTS }, () => 0);
  const own = (client: number, r: number) => client + 1 + CLIENTS * (r - 1);
  return {
    weights: { read: 4, insert: 2, update: 3, delete: 1 },
    queries: {
      read: (c) => ({ sql: `select * from ${t} where id = $1`, params: [c.randomInt(rows)] }),
      insert: (c) => {
        const id = rows + 1 + CLIENTS * next[c.client]!++ + c.client;
        expected.set(id, id % 1000);
        return { sql: `insert into ${t} (id, n, note) values ($1, $2, 'inserted')`, params: [id, id % 1000] };
      },
      update: (c) => {
        const id = own(c.client, c.randomInt(Math.floor(rows / CLIENTS)));
        const was = expected.get(id);
        if (was !== undefined) expected.set(id, was + 1);
        return { sql: `update ${t} set n = n + 1, note = 'updated' where id = $1`, params: [id] };
      },
      delete: (c) => {
        const id = own(c.client, c.randomInt(Math.floor(rows / CLIENTS)));
        expected.delete(id);
        return { sql: `delete from ${t} where id = $1`, params: [id] };
      },
    },
  };
}

test('INT → BIGINT under 4 writing clients: 0 client errors, checksums equal, every row right, old table kept', async () => {
  await createNumbers('orders', ROWS);
  const expected = new Map<number, number>();
  for (let id = 1; id <= ROWS; id++) expected.set(id, id % 1000);
  const traffic = await startTraffic({
    url: fx.test.url,
    clients: CLIENTS,
    thinkMs: 1,
    workload: partitionedWorkload('orders', ROWS, expected),
  });
  let report: Awaited<ReturnType<typeof onlineCopy>>;
  try {
    while (traffic.completed() < 50) await new Promise((r) => setTimeout(r, 20));
    report = await onlineCopy(fx.db, { table: 'orders', alter: ['MODIFY `n` BIGINT NOT NULL'] });
    // A few more writes on the new table, through no trigger.
    const after = traffic.completed();
    while (traffic.completed() < after + 50) await new Promise((r) => setTimeout(r, 20));
  } finally {
    const seen = await traffic.stop();
    assert.equal(seen.errors.length, 0, seen.summary());
  }
  assert.equal(await columnType('orders', 'n'), 'bigint(20)');
  assert.ok(report.verified && report.verified.rows >= ROWS * 0.5, JSON.stringify(report));
  const rows = await fx.sql<{ id: number; n: number }>('select id, n from orders order by id');
  const actual = new Map(rows.map((r) => [Number(r.id), Number(r.n)]));
  assert.equal(actual.size, expected.size);
  for (const [id, n] of expected)
    if (actual.get(id) !== n) assert.fail(`row ${id}: ${actual.get(id)} != ${n}`);
  assert.deepEqual(await triggersOn(), []);
  const backups = await listBackups(fx.db, { table: 'orders' });
  assert.equal(backups.length, 1);
  assert.equal(backups[0]!.backupTable, report.backupTable);
  assert.equal(backups[0]!.status, 'ready');
  assert.equal(await columnType(report.backupTable, 'n'), 'int(11)');
  const purged = await purgeBackups(fx.db, { ids: [report.backupId] });
  assert.equal(purged.length, 1);
  assert.equal(await columnType(report.backupTable, 'n'), undefined);
});

function runChildAndKill(table: string, job: string, at: number): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--conditions=ballast-source', '--import', 'tsx', CHILD, fx.test.url, table, job, '500'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  let seen = 0;
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      for (const m of String(d).matchAll(/batch (\d+)/g)) seen = Math.max(seen, Number(m[1]));
      if (seen >= at && child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL'
        ? resolve(seen)
        : reject(new Error(`child ended (${code}) before the kill: ${stderr}`)),
    );
  });
}

test('kill -9 mid-copy, rerun: resumes, every row exactly once, triggers cleaned up', async () => {
  await createNumbers('killed', 20_000);
  const job = 'copy-killed';
  await runChildAndKill('killed', job, 5);
  assert.equal((await triggersOn()).length, 3, 'the killed run left its triggers');
  await fx.sql("insert into killed (id, n, note) values (30000, 7, 'between runs')");
  await fx.sql('delete from killed where id = 3');
  const report = await onlineCopy(fx.db, { table: 'killed', alter: ['MODIFY `n` BIGINT NOT NULL'] }, { job });
  assert.equal(report.resumed, true);
  assert.ok(report.rowsCopied < 20_000 - 2000, `copied ${report.rowsCopied}: resumed after the kill`);
  assert.equal(await columnType('killed', 'n'), 'bigint(20)');
  const [c] = await fx.sql<{ n: number; d: number; s: string }>(
    'select count(*) as n, count(distinct id) as d, sum(n) as s from killed',
  );
  assert.equal(Number(c!.n), 20_000);
  assert.equal(Number(c!.d), 20_000);
  const [old] = await fx.sql<{ s: string }>(`select sum(n) as s from \`${report.backupTable}\``);
  assert.equal(String(c!.s), String(old!.s));
  assert.deepEqual(await triggersOn(), []);
  // The same job once more (a rerun of a finished migration): nothing copied, the same backup.
  const again = await onlineCopy(fx.db, { table: 'killed', alter: ['MODIFY `n` BIGINT NOT NULL'] }, { job });
  assert.deepEqual([again.backupTable, again.rowsCopied], [report.backupTable, 0]);
  assert.equal((await listBackups(fx.db, { table: 'killed' })).length, 1);
});

test('refuses a table without primary key, with its own triggers, or that foreign keys point to', async () => {
  await fx.sql('create table nokey (a int not null, b int) engine=InnoDB');
  await assert.rejects(onlineCopy(fx.db, { table: 'nokey', alter: ['MODIFY `b` BIGINT'] }), /no primary key/);
  await fx.sql('create table audited (id int primary key, b int) engine=InnoDB');
  await fx.sql(
    'create trigger audited_bi before insert on audited for each row set new.b = coalesce(new.b, 0)',
  );
  await assert.rejects(
    onlineCopy(fx.db, { table: 'audited', alter: ['MODIFY `b` BIGINT'] }),
    /triggers of its own \(audited_bi\)/,
  );
  await fx.sql('create table parent (id int primary key, b int) engine=InnoDB');
  await fx.sql(
    'create table child (id int primary key, p int, foreign key (p) references parent (id)) engine=InnoDB',
  );
  await assert.rejects(
    onlineCopy(fx.db, { table: 'parent', alter: ['MODIFY `b` BIGINT'] }),
    /foreign keys point to it \(child\./,
  );
  // Nothing was created by a refusal.
  const [left] = await fx.sql<{ n: number }>(
    "select count(*) as n from information_schema.TABLES where TABLE_SCHEMA = database() and TABLE_NAME like '\\_%\\_new'",
  );
  assert.equal(Number(left!.n), 0);
});

test('pauses the copy while Threads_running is above the limit', async () => {
  await createNumbers('busy', 2000);
  const busy = await fx.connect();
  const sleeping = busy.query('select sleep(2)');
  try {
    const pauses: string[] = [];
    await onlineCopy(
      fx.db,
      { table: 'busy', alter: ['MODIFY `n` BIGINT NOT NULL'] },
      { maxThreadsRunning: 1, copy: { onPause: (p) => pauses.push(p.reason) } },
    );
    assert.ok(
      pauses.some((r) => /^Threads_running \d+ > 1$/.test(r)),
      JSON.stringify(pauses),
    );
  } finally {
    await sleeping;
    await busy.close();
  }
  assert.equal(await columnType('busy', 'n'), 'bigint(20)');
});

test('a hostile table name (backtick, quote, 60 bytes) is quoted everywhere and its shadow name cut to fit', async () => {
  const name = `o\`r'd"e r${'x'.repeat(51)}`;
  const q = `\`${name.replaceAll('`', '``')}\``;
  await fx.sql(`create table ${q} (id int primary key, n int not null) engine=InnoDB`);
  await fx.sql(`insert into ${q} select seq, seq from seq_1_to_500`);
  const report = await onlineCopy(fx.db, { table: name, alter: ['MODIFY `n` BIGINT NOT NULL'] });
  assert.equal(await columnType(name, 'n'), 'bigint(20)');
  assert.ok(Buffer.byteLength(report.backupTable) <= 64, report.backupTable);
  assert.equal(await columnType(report.backupTable, 'n'), 'int(11)');
  const [c] = await fx.sql<{ n: number }>(`select count(*) as n from ${q}`);
  assert.equal(Number(c!.n), 500);
  assert.deepEqual(await triggersOn(), []);
});

test('a backup name already taken in the same second (up → down → up) gets a suffix, not a failed swap', async () => {
  await createNumbers('twice', 300);
  const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const now = Date.now();
  for (let s = 0; s < 8; s++)
    await fx.sql(`create table \`_twice_old_${stamp(now + s * 1000)}\` (id int primary key)`);
  const report = await onlineCopy(fx.db, { table: 'twice', alter: ['MODIFY `n` BIGINT NOT NULL'] });
  assert.match(report.backupTable, /^_twice_1_old_\d{14}$/);
  assert.equal(await columnType('twice', 'n'), 'bigint(20)');
});

/** `id`, a DECIMAL(10,2), a DOUBLE and a VARCHAR(8), with values that print differently per type. */
async function createMeasures(table: string): Promise<void> {
  await fx.sql(
    `create table \`${table}\` (id int primary key, price decimal(10,2) not null, ratio double not null, code varchar(8) not null) engine=InnoDB`,
  );
  await fx.sql(
    `insert into \`${table}\` select seq, seq + 0.5, seq / 10, concat('c', seq) from seq_1_to_3000`,
  );
}

test('verification compares values as the new type holds them: DECIMAL(10,2) → (10,4) passes (1.50 = 1.5000), not as text', async () => {
  await createMeasures('widened');
  for (const verify of [true, 'full'] as const) {
    const report = await onlineCopy(
      fx.db,
      { table: 'widened', alter: [`MODIFY \`price\` DECIMAL(${verify === true ? 10 : 14},4) NOT NULL`] },
      { verify },
    );
    assert.equal(report.verified?.rows, 3000, JSON.stringify(report));
  }
  assert.equal(await columnType('widened', 'price'), 'decimal(14,4)');
  const [s] = await fx.sql<{ s: string }>('select cast(sum(price) as char) as s from widened');
  assert.equal(s!.s, '4503000.0000');
});

test('verification refuses a lossy change before the swap: DOUBLE → FLOAT (no warning), VARCHAR(8) → (3) (truncated)', async () => {
  await createMeasures('narrowed');
  for (const clause of ['MODIFY `ratio` FLOAT NOT NULL', 'MODIFY `code` VARCHAR(3) NOT NULL']) {
    await assert.rejects(
      onlineCopy(fx.db, { table: 'narrowed', alter: [clause] }),
      (e: Error) =>
        e.name === 'ChecksumMismatchError' &&
        /differs from the table for keys from the first/.test(e.message),
    );
    // Nothing swapped: the table keeps its types and values; a rerun of the copy finds its shadow.
    assert.equal(await columnType('narrowed', 'ratio'), 'double');
    assert.equal(await columnType('narrowed', 'code'), 'varchar(8)');
    await fx.sql('drop table `_narrowed_new`');
    for (const t of await triggersOn()) await fx.sql(`drop trigger \`${t}\``);
  }
  // Knowingly: verify false lets the rounding through.
  await onlineCopy(fx.db, { table: 'narrowed', alter: ['MODIFY `ratio` FLOAT NOT NULL'] }, { verify: false });
  assert.equal(await columnType('narrowed', 'ratio'), 'float');
});

test('READ COMMITTED sessions (no gap locks): a row inserted into a batch while it is verified is no false mismatch', async () => {
  await fx.sql('create table gaps (id int primary key, n int not null) engine=InnoDB');
  await fx.sql('insert into gaps select seq * 2, seq from seq_1_to_3000');
  let inserted = false;
  // Each session READ COMMITTED; right after the first batch's INSERT … SELECT, another client
  // inserts an odd id into that batch's range (under REPEATABLE READ the gap lock would hold it).
  const db: Database = {
    dialect: 'mysql',
    withSession: (fn) =>
      fx.db.withSession(async (s) => {
        await s.query('set session transaction isolation level read committed');
        return fn({
          dialect: 'mysql',
          async query(sql, params) {
            const rows = await s.query(sql, params);
            if (!inserted && /^insert ignore into/i.test(sql)) {
              inserted = true;
              await fx.sql('insert into gaps (id, n) values (3, 7)');
            }
            return rows as never;
          },
        });
      }),
  };
  const report = await onlineCopy(db, { table: 'gaps', alter: ['MODIFY `n` BIGINT NOT NULL'] });
  assert.ok(inserted);
  assert.equal(report.verified?.rows, 3001);
  const [c] = await fx.sql<{ n: number; s: string }>('select count(*) as n, sum(n) as s from gaps');
  assert.deepEqual([Number(c!.n), String(c!.s)], [3001, String((3000 * 3001) / 2 + 7)]);
  assert.equal(await columnType('gaps', 'n'), 'bigint(20)');
});
