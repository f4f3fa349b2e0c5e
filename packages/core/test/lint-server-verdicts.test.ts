/**
 * Lint verdicts checked against what PostgreSQL does: each case runs its statements on a real
 * server inside a transaction that is rolled back, and measures the facts the verdict is about —
 * a rewrite (the relation's relfilenode changes), a scan (pg_stat_xact_user_tables.seq_scan), and
 * the locks held (pg_locks) — then asserts both the facts and the linter's findings.
 */
import assert from 'node:assert/strict';
import { loadPgParser } from '@ballast/core';
import { type LintOptions, lintSql, loadLintFixes, renderFixedFile } from '@ballast/core/lint';
import { pgServers, pgTestDatabase, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { type Facts, measure } from './support/lint-facts.js';

// Fix text and plans come with the fix planner, which the lint entry point loads on request.
beforeAll(() => loadLintFixes());

interface Case {
  readonly name: string;
  /** Run before (committed): the tables as they exist in production. */
  readonly pre: string;
  readonly sql: string;
  readonly options?: Partial<LintOptions>;
  /** Rules expected, `require-lock-timeout` and prefer-* style rules left out. */
  readonly rules: readonly string[];
  readonly facts?: Partial<Facts>;
  /** Oldest server major the case applies to (lint and facts); older servers skip it. */
  readonly minVersion?: number;
  /** Statements that cannot run in a transaction block (VACUUM): only `rewritten` is measured. */
  readonly autocommit?: boolean;
}

const STYLE = /^(require-lock-timeout|prefer-)/;

const PRE = `create table users (id bigint primary key, email text, n int);
insert into users select g, 'u' || g, g from generate_series(1, 500) g;
create table orders (id bigint primary key, user_id bigint, amount int);
insert into orders select g, g, g from generate_series(1, 500) g;`;

const CASES: Case[] = [
  {
    name: 'inline CHECK on ADD COLUMN scans the table under ACCESS EXCLUSIVE',
    pre: PRE,
    sql: 'ALTER TABLE users ADD COLUMN score int CHECK (score > 0);',
    rules: ['require-not-valid-check-constraint'],
    facts: { scanned: ['users'], rewritten: [] },
  },
  {
    name: 'inline UNIQUE on ADD COLUMN builds an index under ACCESS EXCLUSIVE',
    pre: PRE,
    sql: 'ALTER TABLE users ADD COLUMN handle text UNIQUE;',
    rules: ['require-existing-index-for-unique-constraint'],
    facts: { locks: ['users:AccessExclusiveLock', 'users:ShareLock'] },
  },
  {
    name: 'inline REFERENCES on a new column without default checks nothing (no scan)',
    pre: PRE,
    sql: 'ALTER TABLE orders ADD COLUMN buyer_id bigint REFERENCES users (id);',
    rules: [],
    facts: { scanned: [], rewritten: [] },
  },
  {
    name: 'inline REFERENCES with a default validates every row',
    pre: PRE,
    sql: 'ALTER TABLE orders ADD COLUMN seller_id bigint DEFAULT 1 REFERENCES users (id);',
    rules: ['require-not-valid-foreign-key'],
    facts: { scanned: ['orders', 'users'] },
  },
  {
    name: 'VALIDATE in the transaction of its NOT VALID add scans with the add lock on both tables held',
    pre: PRE,
    sql: `ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;`,
    options: { transaction: 'wrapped' },
    rules: ['require-validate-in-separate-transaction'],
    facts: {
      scanned: ['orders', 'users'],
      locks: [
        'orders:AccessShareLock',
        'orders:ShareRowExclusiveLock',
        'orders:ShareUpdateExclusiveLock',
        'users:AccessShareLock',
        'users:RowShareLock',
        'users:ShareRowExclusiveLock',
      ],
    },
  },
  {
    name: 'a WHERE is not a batch: the backfill touches every row in one statement',
    pre: PRE,
    sql: "UPDATE users SET email = 'x' WHERE email IS NOT NULL;",
    rules: ['require-batched-data-change'],
    facts: { touched: ['users:500'] },
  },
  {
    name: 'UPDATE … FROM touches every joined row',
    pre: PRE,
    sql: 'UPDATE orders SET amount = u.n FROM users u WHERE orders.user_id = u.id;',
    rules: ['require-batched-data-change'],
    facts: { touched: ['orders:500'] },
  },
  {
    name: 'DELETE … USING deletes every joined row',
    pre: PRE,
    sql: 'DELETE FROM orders USING users WHERE orders.user_id = users.id;',
    rules: ['require-batched-data-change'],
    facts: { touched: ['orders:500'] },
  },
  {
    name: 'a batch bounded by a LIMIT touches at most that many rows',
    pre: PRE,
    sql: "UPDATE users SET email = 'x' WHERE id IN (SELECT id FROM users WHERE email <> 'x' LIMIT 100);",
    rules: [],
    facts: { touched: ['users:100'] },
  },
  {
    name: 'a key range touches the rows of the range',
    pre: PRE,
    sql: "UPDATE users SET email = 'x' WHERE id >= 1 AND id < 51;",
    rules: [],
    facts: { touched: ['users:50'] },
  },
  {
    name: 'an exclusion constraint builds its index under ACCESS EXCLUSIVE',
    pre: `${PRE}\ncreate table bookings (id int primary key, during tstzrange);`,
    sql: 'ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&);',
    rules: ['ban-adding-exclusion-constraint'],
    facts: { locks: ['bookings:AccessExclusiveLock', 'bookings:ShareLock'] },
  },
  {
    name: 'ALTER DOMAIN … ADD CONSTRAINT scans the tables using the domain under a SHARE lock',
    pre: `create domain amount as int;\ncreate table pay (id int, a amount);\ninsert into pay select g, g from generate_series(1, 100) g;`,
    sql: 'ALTER DOMAIN amount ADD CONSTRAINT amount_positive CHECK (VALUE > 0);',
    rules: ['require-not-valid-domain-constraint'],
    facts: { scanned: ['pay'], locks: ['pay:ShareLock'] },
  },
  {
    name: 'ALTER DOMAIN … SET NOT NULL scans the tables using the domain under a SHARE lock too',
    pre: `create domain amount as int;\ncreate table pay (id int, a amount);\ninsert into pay select g, g from generate_series(1, 100) g;`,
    sql: 'ALTER DOMAIN amount SET NOT NULL;',
    rules: ['require-not-valid-domain-constraint'],
    facts: { scanned: ['pay'], locks: ['pay:ShareLock'] },
  },
  {
    name: 'ALTER DOMAIN … ADD CONSTRAINT … NOT VALID checks no existing row',
    pre: `create domain amount as int;\ncreate table pay (id int, a amount);\ninsert into pay select g, g from generate_series(1, 100) g;`,
    sql: 'ALTER DOMAIN amount ADD CONSTRAINT amount_positive CHECK (VALUE > 0) NOT VALID;',
    rules: [],
    facts: { scanned: [], locks: [] },
  },
  {
    name: 'DETACH PARTITION without CONCURRENTLY locks the partitioned table',
    pre: `create table ev (id int, at date) partition by range (at);
create table ev_2023 partition of ev for values from ('2023-01-01') to ('2024-01-01');`,
    sql: 'ALTER TABLE ev DETACH PARTITION ev_2023;',
    rules: ['require-concurrent-detach-partition'],
    facts: { locks: ['ev:AccessExclusiveLock', 'ev_2023:AccessExclusiveLock'] },
  },
  {
    name: 'SET UNLOGGED rewrites the table',
    pre: PRE,
    sql: 'ALTER TABLE orders SET UNLOGGED;',
    rules: ['ban-changing-table-logging'],
    facts: { rewritten: ['orders'] },
  },
  {
    name: 'timestamp → timestamptz keeps the table when the file sets TimeZone to UTC (PG 12+)',
    pre: `${PRE}\ncreate table ev (id int, at timestamp);\ninsert into ev select g, now() from generate_series(1, 50) g;`,
    sql: "SET TIME ZONE 'UTC';\nALTER TABLE ev ALTER COLUMN at TYPE timestamptz;",
    rules: [],
    facts: { rewritten: [] },
  },
  {
    name: 'timestamp → timestamptz in another time zone rewrites the table',
    pre: `${PRE}\ncreate table ev (id int, at timestamp);\ninsert into ev select g, now() from generate_series(1, 50) g;`,
    sql: "SET TIME ZONE 'America/New_York';\nALTER TABLE ev ALTER COLUMN at TYPE timestamptz;",
    rules: ['ban-type-change-that-rewrites-table'],
    facts: { rewritten: ['ev'] },
  },
  {
    name: 'a virtual generated column is catalog only (PG 18)',
    pre: PRE,
    sql: 'ALTER TABLE orders ADD COLUMN doubled bigint GENERATED ALWAYS AS (amount * 2) VIRTUAL;',
    rules: [],
    facts: { rewritten: [] },
    minVersion: 18,
  },
  {
    name: 'a stored generated column rewrites the table',
    pre: PRE,
    sql: 'ALTER TABLE orders ADD COLUMN tripled bigint GENERATED ALWAYS AS (amount * 3) STORED;',
    rules: ['ban-adding-column-that-rewrites-table'],
    facts: { rewritten: ['orders'] },
  },
  {
    name: 'VACUUM (FULL false) is a plain VACUUM: no rewrite',
    pre: PRE,
    sql: 'VACUUM (FULL false) orders;',
    rules: [],
    facts: { rewritten: [] },
    autocommit: true,
  },
  {
    name: 'VACUUM (FULL) rewrites the table',
    pre: PRE,
    sql: 'VACUUM (FULL) orders;',
    rules: ['ban-vacuum-full'],
    facts: { rewritten: ['orders'] },
    autocommit: true,
  },
  {
    name: 'CREATE TRIGGER takes SHARE ROW EXCLUSIVE on its table (writes wait, reads go on): a lock_timeout matter',
    pre: `${PRE}\ncreate function touch() returns trigger language plpgsql as 'begin return new; end';`,
    sql: 'CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();',
    rules: [],
    facts: { locks: ['users:ShareRowExclusiveLock'], rewritten: [], scanned: [] },
  },
  {
    name: 'REFRESH MATERIALIZED VIEW rewrites the view under ACCESS EXCLUSIVE (reads wait)',
    pre: `${PRE}\ncreate materialized view user_stats as select id, n from users;\ncreate unique index user_stats_id on user_stats (id);`,
    sql: 'REFRESH MATERIALIZED VIEW user_stats;',
    rules: ['require-concurrent-refresh-materialized-view'],
    facts: {
      rewritten: ['user_stats'],
      strongest: ['user_stats:AccessExclusiveLock', 'users:AccessShareLock'],
    },
  },
  {
    name: 'REFRESH MATERIALIZED VIEW CONCURRENTLY keeps the view readable (EXCLUSIVE)',
    pre: `${PRE}\ncreate materialized view user_stats as select id, n from users;\ncreate unique index user_stats_id on user_stats (id);`,
    sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY user_stats;',
    rules: [],
    // No ACCESS EXCLUSIVE: reads of the view go on; the diff is applied with ordinary row writes.
    facts: { rewritten: [], strongest: ['user_stats:ExclusiveLock', 'users:AccessShareLock'] },
  },
  {
    name: 'ALTER SEQUENCE … RESTART gives out used ids again',
    pre: `${PRE}\ncreate sequence order_ids;\nselect setval('order_ids', 500);`,
    sql: 'ALTER SEQUENCE order_ids RESTART WITH 1;',
    rules: ['ban-sequence-restart-or-narrowing'],
    facts: { rewritten: ['order_ids'] },
  },
  {
    name: 'ALTER SEQUENCE … AS integer narrows the sequence; AS bigint and INCREMENT are safe',
    pre: `${PRE}\ncreate sequence order_ids as bigint;`,
    sql: 'ALTER SEQUENCE order_ids AS integer;',
    rules: ['ban-sequence-restart-or-narrowing'],
    facts: { rewritten: ['order_ids'] },
  },
  {
    name: 'ALTER SEQUENCE … INCREMENT BY is safe',
    pre: `${PRE}\ncreate sequence order_ids as integer;`,
    sql: 'ALTER SEQUENCE order_ids AS bigint INCREMENT BY 2;',
    rules: [],
  },
  {
    name: 'identity column RESTART is the same surprise as the sequence form',
    pre: `${PRE}\ncreate table tickets (id bigint generated always as identity primary key);`,
    sql: 'ALTER TABLE tickets ALTER COLUMN id RESTART WITH 1;',
    rules: ['ban-sequence-restart-or-narrowing'],
  },
  {
    name: 'INHERIT adds the child to every query on the parent, ACCESS EXCLUSIVE on the child',
    pre: `${PRE}\ncreate table old_users (id bigint primary key, email text, n int);`,
    sql: 'ALTER TABLE old_users INHERIT users;',
    rules: ['ban-changing-table-inheritance'],
    facts: {
      rewritten: [],
      scanned: [],
      locks: ['old_users:AccessExclusiveLock', 'users:ShareUpdateExclusiveLock'],
    },
  },
  {
    name: 'NO INHERIT drops the child from every query on the parent, ACCESS EXCLUSIVE on the child',
    pre: `${PRE}\ncreate table old_users () inherits (users);`,
    sql: 'ALTER TABLE old_users NO INHERIT users;',
    rules: ['ban-changing-table-inheritance'],
    facts: { rewritten: [], scanned: [], locks: ['old_users:AccessExclusiveLock', 'users:AccessShareLock'] },
  },
  {
    name: 'SET ACCESS METHOD rewrites the table (PG 15+)',
    pre: `${PRE}\ndrop access method if exists heap2;\ncreate access method heap2 type table handler heap_tableam_handler;`,
    sql: 'ALTER TABLE users SET ACCESS METHOD heap2;',
    rules: ['ban-alter-that-rewrites-table'],
    facts: { rewritten: ['users'], strongest: ['users:AccessExclusiveLock'] },
    minVersion: 15,
  },
  {
    name: 'SET EXPRESSION of a stored generated column rewrites the table (PG 17+)',
    pre: `${PRE}\ncreate table carts (id int, n int, twice int generated always as (n * 2) stored);\ninsert into carts select g, g from generate_series(1, 50) g;`,
    sql: 'ALTER TABLE carts ALTER COLUMN twice SET EXPRESSION AS (n * 3);',
    rules: ['ban-alter-that-rewrites-table'],
    facts: { rewritten: ['carts'], strongest: ['carts:AccessExclusiveLock'] },
    minVersion: 17,
  },
  {
    name: 'renaming a view breaks its readers like a table rename',
    pre: `${PRE}\ncreate view active_users as select * from users;`,
    sql: 'ALTER VIEW active_users RENAME TO live_users;',
    rules: ['ban-renaming-table'],
  },
  {
    name: 'DROP TRIGGER, CREATE POLICY, CREATE RULE take ACCESS EXCLUSIVE briefly: a lock_timeout matter',
    pre: `${PRE}\ncreate function touch() returns trigger language plpgsql as 'begin return new; end';\ncreate trigger users_touch before update on users for each row execute function touch();`,
    sql: 'DROP TRIGGER users_touch ON users;\nCREATE POLICY own_rows ON orders USING (user_id = 1);\nCREATE RULE no_delete AS ON DELETE TO users DO INSTEAD NOTHING;',
    rules: [],
    facts: {
      rewritten: [],
      scanned: [],
      strongest: ['orders:AccessExclusiveLock', 'users:AccessExclusiveLock'],
    },
  },
  {
    name: 'adding identity to an existing column is catalog only (no rewrite, no scan)',
    pre: `${PRE}\ncreate table tickets (id bigint not null);\ninsert into tickets select g from generate_series(1, 50) g;`,
    sql: 'ALTER TABLE tickets ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;',
    rules: [],
    facts: {
      rewritten: [],
      scanned: [],
      strongest: ['tickets:AccessExclusiveLock', 'tickets_id_seq:AccessExclusiveLock'],
    },
  },
];

for (const server of pgServers())
  describe(`[pg ${server.label}] lint verdicts measured on the server`, () => {
    let db: TestDatabase;
    let conn: SqlConnection;
    let major = 0;
    beforeAll(async () => {
      await loadPgParser();
      db = await pgTestDatabase('lint_verdicts', server);
      conn = await db.connect();
      const [row] = await conn.query<{ v: string }>(`select current_setting('server_version_num') as v`);
      major = Math.floor(Number(row!.v) / 10000);
    });
    afterAll(async () => {
      await conn?.close();
      await db?.drop();
    });

    for (const [i, c] of CASES.entries())
      test(c.name, async () => {
        if (major < (c.minVersion ?? 0)) return;
        const options = { pgVersion: major, ...c.options };
        const found = lintSql(c.sql, options)
          .findings.map((f) => f.rule)
          .filter((r) => !STYLE.test(r));
        assert.deepEqual([...new Set(found)].sort(), [...c.rules].sort(), 'lint findings');
        if (!c.facts) return;
        const facts = await measure(conn, `v${i}`, c.pre, c.sql, c.autocommit);
        for (const [key, want] of Object.entries(c.facts))
          assert.deepEqual(facts[key as keyof Facts], want, `${key} on PostgreSQL ${major}`);
      });

    test('--fix adds no second index when the file indexes the foreign key columns first', async () => {
      const sql = `CREATE INDEX orders_user_recent ON orders (user_id, id);
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);`;
      const fixed = renderFixedFile(lintSql(sql, { pgVersion: major }), sql);
      await conn.query('create schema fixed_fk; set search_path to fixed_fk');
      await conn.query(PRE);
      for (const s of lintSql(fixed.text).parsed.statements) await conn.query(s.sql);
      const indexes = await conn.query<{ def: string }>(
        `select pg_get_indexdef(indexrelid) as def from pg_index where indrelid = 'orders'::regclass and not indisprimary`,
      );
      assert.equal(indexes.length, 1, indexes.map((x) => x.def).join('\n'));
      const [fk] = await conn.query<{ v: boolean }>(
        `select convalidated as v from pg_constraint where conname = 'orders_user_fk'`,
      );
      assert.equal(fk?.v, true);
    });
  });
