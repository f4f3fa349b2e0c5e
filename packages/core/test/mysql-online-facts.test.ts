/**
 * The MySQL/MariaDB online-DDL facts (dialects/mysql/capabilities.ts) against the harness's real
 * server: every row of the table is exact. A kind with an online algorithm is accepted with it
 * (and, when not INSTANT, refused with INSTANT); a kind without one is refused with
 * ALGORITHM=INPLACE, LOCK=NONE. The planners' statements, which take their algorithm from the
 * same table, apply as planned.
 */
import assert from 'node:assert/strict';
import { planAddColumn, planCreateIndex, type ServerInfo } from '@ballast/core';
import { lintSql, loadLintFixes, type MysqlServer, parseMysqlVersion } from '@ballast/core/lint';
import { mysqlTestDatabase, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, test } from 'vitest';
// The facts table is internal (planners and the linter read it); tested here against the server.
import {
  type AlterClauseKind,
  MYSQL_ONLINE_DDL,
  mysqlCapabilities,
  onlineAlgorithm,
  onlineClauses,
} from '../src/dialects/mysql/capabilities.js';
import { mysqlServerInfo } from '../src/dialects/mysql/server.js';
import { alterClauseKind, withOnlineClauses } from '../src/lint/mysql-online.js';

// Fix text and plans come with the fix planner, which the lint entry point loads on request.
beforeAll(() => loadLintFixes());

/** One clause of each kind, on `t (id INT PRIMARY KEY, v INT, txt TEXT)`. */
const SAMPLES: Record<AlterClauseKind, string> = {
  'add-column': 'ADD COLUMN c_last INT',
  'add-column-positioned': 'ADD COLUMN c_after INT AFTER id',
  'add-auto-increment-column': 'ADD COLUMN seq INT AUTO_INCREMENT UNIQUE',
  'add-stored-generated-column': 'ADD COLUMN g INT AS (v * 2) STORED',
  'secondary-index': 'ADD INDEX t_v_idx (v)',
  'fulltext-or-spatial-index': 'ADD FULLTEXT INDEX t_txt_idx (txt)',
  'rename-column': 'RENAME COLUMN txt TO body',
  'drop-column': 'DROP COLUMN txt',
  'drop-indexed-column': 'DROP COLUMN w',
  'set-not-null': 'MODIFY COLUMN v INT NOT NULL',
  'column-default': 'ALTER COLUMN v SET DEFAULT 7',
  'add-check': 'ADD CONSTRAINT t_v_pos CHECK (v > 0)',
  'change-column-type': 'MODIFY COLUMN v BIGINT',
};

let db: TestDatabase;
let conn: SqlConnection;
let server: ServerInfo;
let parsed: MysqlServer;
let caps: ReturnType<typeof mysqlCapabilities>;

beforeAll(async () => {
  db = await mysqlTestDatabase('online_facts');
  conn = await db.connect();
  const [row] = await conn.query<{ v: string }>('select version() as v');
  parsed = parseMysqlVersion(row!.v);
  caps = mysqlCapabilities(parsed.flavor, parsed.version);
  server = mysqlServerInfo(parsed.flavor, parsed.version);
});
afterAll(async () => {
  await conn?.close();
  await db?.drop();
});

/** A fresh table with rows, so nothing is "instant because empty". */
async function freshTable(): Promise<void> {
  await conn.query('DROP TABLE IF EXISTS t');
  await conn.query(
    'CREATE TABLE t (id INT PRIMARY KEY, v INT, txt TEXT, w INT, KEY t_w_key (w)) ENGINE=InnoDB',
  );
  await conn.query("INSERT INTO t VALUES (1, 1, 'a', 1), (2, 2, 'b', 2), (3, 3, 'c', 3)");
}

/** Refused because the server cannot honour the algorithm/lock (errno 1845/1846), not for another reason. */
async function refused(sql: string): Promise<void> {
  await assert.rejects(conn.query(sql), (e: Error & { errno?: number }) => {
    assert.ok(e.errno === 1845 || e.errno === 1846, `${sql}: ${e.message}`);
    return true;
  });
}

test('every kind in the facts table behaves on this server as the table says', async () => {
  assert.deepEqual(Object.keys(SAMPLES).sort(), Object.keys(MYSQL_ONLINE_DDL).sort());
  for (const [kind, clause] of Object.entries(SAMPLES) as [AlterClauseKind, string][]) {
    await freshTable();
    const algorithm = onlineAlgorithm(caps, [kind]);
    if (!algorithm) {
      await refused(`ALTER TABLE t ${clause}, ALGORITHM=INPLACE, LOCK=NONE`);
      continue;
    }
    if (algorithm === 'INPLACE') await refused(`ALTER TABLE t ${clause}, ALGORITHM=INSTANT`);
    await conn.query(`ALTER TABLE t ${clause}, ${onlineClauses(algorithm)}`);
  }
});

test("the planners' ALGORITHM comes from the facts and is accepted by the server", async () => {
  await freshTable();
  const add = planAddColumn(
    { table: 't', column: 'note', type: 'VARCHAR(20)', default: { value: 'n/a' } },
    server,
  );
  const expected = onlineClauses(onlineAlgorithm(caps, ['add-column'])!);
  assert.ok(add.steps[0]!.kind === 'sql' && add.steps[0]!.sql.endsWith(expected), expected);
  const index = planCreateIndex({ table: 't', columns: ['v'] }, server);
  for (const step of [...add.steps, ...index.steps]) {
    assert.equal(step.kind, 'sql');
    if (step.kind === 'sql') await conn.query(step.sql);
  }
  const cols = await conn.query<{ COLUMN_NAME: string; COLUMN_DEFAULT: string | null }>(
    "SELECT COLUMN_NAME, COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't' AND COLUMN_NAME = 'note'",
  );
  assert.match(String(cols[0]?.COLUMN_DEFAULT), /n\/a/);
  const idx = await conn.query<{ INDEX_NAME: string }>(
    "SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't' AND INDEX_NAME <> 'PRIMARY'",
  );
  assert.deepEqual(idx.map((i) => i.INDEX_NAME).sort(), ['t_v_idx', 't_w_key']);
});

test("the linter's online clauses come from the same facts: offered only where the server accepts them", async () => {
  const statements: [AlterClauseKind, string][] = [
    ...(Object.entries(SAMPLES) as [AlterClauseKind, string][])
      // Kinds the column helpers plan with and the linter does not classify yet.
      .filter(
        ([kind]) =>
          !['rename-column', 'drop-column', 'drop-indexed-column', 'set-not-null', 'column-default'].includes(
            kind,
          ),
      )
      .map(([kind, clause]): [AlterClauseKind, string] => [kind, `ALTER TABLE t ${clause};`]),
    ['secondary-index', 'CREATE INDEX t_v2_idx ON t (v);'],
    // Before the facts table the linter suggested INPLACE/LOCK=NONE here, which the server refuses.
    ['fulltext-or-spatial-index', 'CREATE FULLTEXT INDEX t_txt2_idx ON t (txt);'],
  ];
  for (const [kind, sql] of statements) {
    await freshTable();
    const [s] = lintSql(sql, { dialect: 'mysql', mysql: parsed }).parsed.statements;
    assert.ok(s?.dialect === 'mysql', sql);
    if (s.ast?.type === 'alter' && kind !== 'change-column-type')
      assert.equal(alterClauseKind(s.ast.expr[0]), kind);
    const online = withOnlineClauses(s.sql, s.ast, parsed);
    const algorithm = onlineAlgorithm(caps, [kind]);
    const copyFinding = lintSql(sql, { dialect: 'mysql', mysql: parsed }).findings.some(
      (f) => f.rule === 'require-online-alter-algorithm',
    );
    if (kind === 'change-column-type' || !algorithm) {
      assert.equal(online, undefined, `${sql} gets no online clauses`);
      // Instead, the statement is an error (a type change needs the column's old type to judge).
      assert.equal(copyFinding, kind !== 'change-column-type', `${sql}: require-online-alter-algorithm`);
      continue;
    }
    assert.equal(copyFinding, false, `${sql} has an online form: not flagged as COPY`);
    assert.match(online?.sql ?? '', new RegExp(`ALGORITHM=${algorithm}`), sql);
    await conn.query(online!.sql);
  }
});

test('set-not-null with a NULL row: the server keeps INPLACE, LOCK=NONE and refuses the data, not the algorithm', async () => {
  await freshTable();
  await conn.query('INSERT INTO t (id, v, txt) VALUES (4, NULL, NULL)');
  await assert.rejects(
    conn.query(`ALTER TABLE t ${SAMPLES['set-not-null']}, ALGORITHM=INPLACE, LOCK=NONE`),
    (e: Error & { errno?: number }) => {
      // Strict sql_mode: the rebuild stops at the NULL (1138/1265/1048), the table is unchanged.
      assert.ok(e.errno !== 1845 && e.errno !== 1846, `refused as an algorithm: ${e.message}`);
      return true;
    },
  );
  const [row] = await conn.query<{ IS_NULLABLE: string }>(
    "SELECT IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't' AND COLUMN_NAME = 'v'",
  );
  assert.equal(row?.IS_NULLABLE, 'YES');
});
