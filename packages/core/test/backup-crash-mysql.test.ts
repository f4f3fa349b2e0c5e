/**
 * kill -9 at random points of a MySQL/MariaDB dropColumn (copy of the values, then the drop) and
 * of its restore (add the column back, fill it, NOT NULL), each rerun until it finishes, then once
 * more (as after a kill between its end and the caller's record of it): every value comes back
 * exactly, whatever step the kills interrupted.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, test } from 'vitest';
import { type MysqlFixture, mysqlFixture } from './support/mysql.js';

const CHILD = fileURLToPath(new URL('./fixtures/mysql-drop-child.ts', import.meta.url));
const ROWS = 5000;

let fx: MysqlFixture;
beforeAll(async () => {
  fx = await mysqlFixture('mydropcrash');
});
afterAll(() => fx.close());

/**
 * Runs the child; kills it with SIGKILL as soon as `when()` holds (polled every 20 ms), unless it
 * finished first. With no `when`, runs it to the end.
 */
function runChild(action: 'drop' | 'restore', when?: () => Promise<boolean>): Promise<'killed' | 'finished'> {
  const child = spawn(
    process.execPath,
    ['--conditions=ballast-source', '--import', 'tsx', CHILD, fx.test.url, 'items', 'note', action, '200'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  let exited = false;
  const exit = new Promise<'killed' | 'finished'>((resolve, reject) =>
    child.on('exit', (code, signal) => {
      exited = true;
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0 && out.includes('finished')) resolve('finished');
      else reject(new Error(`${action} child failed (${code}): ${out}`));
    }),
  );
  if (when) {
    void (async () => {
      while (!exited) {
        if (await when().catch(() => false)) {
          child.kill('SIGKILL');
          return;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
  }
  return exit;
}

/** Rows copied into the backup table so far (0 before it exists). */
async function backedUp(): Promise<number> {
  const [t] = await fx.sql<{ t: string }>(
    "select TABLE_NAME as t from information_schema.TABLES where TABLE_SCHEMA = database() and TABLE_NAME like 'ballast_dropped_items_note%'",
  );
  if (!t) return 0;
  const [n] = await fx.sql<{ n: number }>(`select count(*) as n from \`${t.t}\``);
  return Number(n?.n ?? 0);
}

const noteColumn = () =>
  fx.sql(
    "select 1 from information_schema.COLUMNS where TABLE_SCHEMA = database() and TABLE_NAME = 'items' and COLUMN_NAME = 'note'",
  );

const expected = (id: number) => `note ${id} \\ it's`;

test('dropColumn and its restore killed with kill -9 at random points, rerun: every value back', async () => {
  await fx.sql(
    "create table items (id int primary key, note varchar(100) not null default 'none', n int) engine=InnoDB",
  );
  for (let from = 1; from <= ROWS; from += 1000) {
    const values = Array.from({ length: 1000 }, (_, i) => `(${from + i}, ?, ${from + i})`);
    await fx.sql(
      `insert into items (id, note, n) values ${values.join(', ')}`,
      Array.from({ length: 1000 }, (_, i) => expected(from + i)),
    );
  }
  // Kill points: the backup table just made, a quarter and most of the copy done, the column gone.
  const outcomes: string[] = [];
  const dropKills = [
    async () => (await fx.sql('select 1 from ballast_backups')).length > 0,
    async () => (await backedUp()) >= ROWS / 4,
    async () => (await backedUp()) >= (ROWS * 3) / 4,
    async () => (await noteColumn()).length === 0,
  ];
  for (const when of dropKills) outcomes.push(await runChild('drop', when));
  outcomes.push(await runChild('drop'));
  // Killed after it finished, before the caller recorded it: the rerun is already done, not an error.
  outcomes.push(await runChild('drop'));
  const columns = await fx.sql<{ c: string }>(
    "select COLUMN_NAME as c from information_schema.COLUMNS where TABLE_SCHEMA = database() and TABLE_NAME = 'items'",
  );
  assert.deepEqual(columns.map((c) => c.c).sort(), ['id', 'n'], `dropped after ${outcomes.join(', ')}`);

  // Kill points: the column added back (NULL allowed), half of it filled.
  const filled = async () =>
    (await noteColumn()).length === 0
      ? 0
      : Number((await fx.sql<{ n: number }>('select count(note) as n from items'))[0]?.n ?? 0);
  const restoreOutcomes: string[] = [];
  for (const when of [async () => (await noteColumn()).length > 0, async () => (await filled()) >= ROWS / 2])
    restoreOutcomes.push(await runChild('restore', when));
  restoreOutcomes.push(await runChild('restore'));
  restoreOutcomes.push(await runChild('restore'));
  const rows = await fx.sql<{ id: number; note: string }>('select id, note from items order by id');
  assert.equal(rows.length, ROWS);
  const wrong = rows.filter((r) => r.note !== expected(r.id));
  assert.deepEqual(wrong.slice(0, 5), [], `restored after ${restoreOutcomes.join(', ')}`);
  const [def] = await fx.sql<{ d: string; n: string }>(
    "select COLUMN_DEFAULT as d, IS_NULLABLE as n from information_schema.COLUMNS where TABLE_SCHEMA = database() and TABLE_NAME = 'items' and COLUMN_NAME = 'note'",
  );
  assert.equal(def?.n, 'NO', 'NOT NULL back');
  assert.match(String(def?.d), /none/, 'default back');
  assert.ok(
    outcomes.includes('killed') && restoreOutcomes.includes('killed'),
    'at least one kill landed in each phase',
  );
});
