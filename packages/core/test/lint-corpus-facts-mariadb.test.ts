/**
 * The MariaDB cases of the lint corpus (bench/lint/server-corpus.ts) of the harness's MariaDB
 * version, run on it: whether the statement as written rebuilds the table (InnoDB gives the
 * rebuilt table a new TABLE_ID) and whether the server accepts it with ALGORITHM=INPLACE,
 * LOCK=NONE (an online form exists). The facts are stored beside the case in
 * bench/lint/server-facts.json (`BALLAST_RECORD_CORPUS_FACTS=1` re-records), and the label must
 * agree: a copy category needs a rebuild, a safe ALTER an online form. Needs
 * BALLAST_SERVERS=…,mysql; skipped otherwise.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mysqlTestDatabase, SERVER_ENV, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { MY_PRE, type ServerCase, serverCorpus } from '../../../bench/lint/server-corpus.js';

const FACTS_FILE = fileURLToPath(new URL('../../../bench/lint/server-facts.json', import.meta.url));
const RECORD = process.env.BALLAST_RECORD_CORPUS_FACTS === '1';

interface MariadbFacts {
  readonly rebuilt?: boolean;
  /** Accepted with ALGORITHM=INPLACE, LOCK=NONE; absent for statements without that clause. */
  readonly online?: boolean;
  readonly error?: string;
}

const FIXTURE = MY_PRE;
const REBUILDS = new Set([
  'mysql-copy',
  'mysql-fk-copy',
  'charset-conversion',
  'optimize-table',
  'type-change',
]);

/** The statement with its own ALGORITHM/LOCK replaced by the online ones, if it can take them. */
function onlineForm(sql: string): string | undefined {
  const bare = sql.replace(/,?\s*(ALGORITHM|LOCK)\s*=?\s*\w+/gi, '');
  if (/^ALTER TABLE/i.test(bare)) return `${bare}, ALGORITHM=INPLACE, LOCK=NONE`;
  if (/^CREATE (UNIQUE )?INDEX/i.test(bare)) return `${bare} ALGORITHM=INPLACE LOCK=NONE`;
  return undefined;
}

function disagreement(c: ServerCase, f: MariadbFacts): string | undefined {
  if (f.error) return `the server refused it: ${f.error}`;
  if (c.expected.some((e) => REBUILDS.has(e)) && !f.rebuilt)
    return 'a copy is claimed, the table was not rebuilt';
  if (c.expected.length === 0 && f.online === false) return 'called safe, but it has no online form';
  return undefined;
}

const enabled = Boolean(process.env[SERVER_ENV.mysql]);

describe.skipIf(!enabled)('MariaDB corpus verdicts agree with the server', () => {
  let db: TestDatabase;
  let conn: SqlConnection;
  let version = '';
  const recorded: Record<string, MariadbFacts> = {};
  const stored: Record<string, MariadbFacts> = existsSync(FACTS_FILE)
    ? JSON.parse(readFileSync(FACTS_FILE, 'utf8'))
    : {};
  beforeAll(async () => {
    db = await mysqlTestDatabase('lint_corpus');
    conn = await db.connect();
    const [row] = await conn.query<{ v: string }>('select version() as v');
    version = /^(\d+\.\d+)/.exec(row!.v)![1]!;
  });
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
    if (RECORD && Object.keys(recorded).length) {
      const all = { ...JSON.parse(readFileSync(FACTS_FILE, 'utf8')), ...recorded };
      const sorted = Object.fromEntries(
        Object.keys(all)
          .sort()
          .map((k) => [k, all[k]]),
      );
      writeFileSync(FACTS_FILE, `${JSON.stringify(sorted, null, 2)}\n`);
    }
  });

  const tableId = async (table: string) => {
    const [row] = await conn.query<{ id: number }>(
      "select TABLE_ID as id from information_schema.INNODB_SYS_TABLES where NAME = concat(database(), '/', ?)",
      [table],
    );
    return row?.id;
  };
  const reset = async () => {
    for (const s of FIXTURE) await conn.query(s);
  };

  test("every case of the server's version: measured facts and their agreement with the label", async () => {
    const mine = serverCorpus().filter((c) => c.mysql === `mariadb-${version}`);
    assert.ok(mine.length > 0, `no corpus case for MariaDB ${version}`);
    const problems: string[] = [];
    for (const c of mine) {
      const sql = c.sql
        .split('\n')
        .find((l) => l.trim() && !/^SET SESSION/i.test(l))!
        .replace(/;\s*$/, '');
      const table = /orders/i.test(sql) ? 'orders' : 'users';
      await reset();
      const before = await tableId(table);
      let facts: MariadbFacts;
      try {
        await conn.query(sql);
        facts = { rebuilt: (await tableId(table)) !== before };
      } catch (err) {
        facts = { error: (err as Error).message };
      }
      const online = onlineForm(sql);
      if (online && !facts.error) {
        await reset();
        try {
          await conn.query(online);
          facts = { ...facts, online: true };
        } catch (err) {
          const errno = (err as { errno?: number }).errno;
          if (errno !== 1845 && errno !== 1846) throw err;
          facts = { ...facts, online: false };
        }
      }
      recorded[c.name] = facts;
      if (!RECORD && JSON.stringify(stored[c.name]) !== JSON.stringify(facts))
        problems.push(
          `${c.name}: the server now does ${JSON.stringify(facts)}, stored ${JSON.stringify(stored[c.name])}`,
        );
      const why = disagreement(c, facts);
      if (why) problems.push(`${c.name}: ${why}`);
    }
    assert.deepEqual(problems, []);
  });
});
