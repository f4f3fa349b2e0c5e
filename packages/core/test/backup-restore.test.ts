import assert from 'node:assert/strict';
import {
  backupColumn,
  type Database,
  dropColumnWithBackup,
  listBackups,
  purgeBackups,
  restoreBackup,
  UnsafeOperationError,
  WrongContextError,
} from '@ballast/core';
import { pgSession } from '@ballast/core/adapter';
import { pgServers, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { checksum, testDatabase } from './fixtures/checksum.js';

/**
 * Everything the catalog says about a column and what hangs on it, normalized (names and
 * definitions as the server renders them), so "restored" means "the same column again".
 */
async function definitionOf(conn: SqlConnection, table: string, column: string) {
  const [exists] = await conn.query(
    'select 1 from pg_attribute where attrelid = $1::regclass and attname = $2 and not attisdropped',
    [table, column],
  );
  if (!exists) return undefined;
  const [row] = await conn.query(
    `select format_type(a.atttypid, a.atttypmod) as type, a.attnotnull, a.attidentity, a.attgenerated,
            pg_get_expr(d.adbin, d.adrelid) as expression, co.collname, col_description(a.attrelid, a.attnum) as comment,
            (select array_agg(pg_get_indexdef(i.indexrelid) order by pg_get_indexdef(i.indexrelid)) from pg_index i
              where i.indrelid = a.attrelid and not i.indisprimary) as indexes,
            (select array_agg(k.conname || ': ' || pg_get_constraintdef(k.oid) order by k.conname) from pg_constraint k
              where k.conrelid = a.attrelid and k.contype <> 'p') as constraints,
            (select row_to_json(q) from (select s.seqrelid::regclass::text as name, s.seqstart, s.seqincrement,
                    s.seqmin, s.seqmax, s.seqcache, s.seqcycle, pg_sequence_last_value(s.seqrelid) as last
               from pg_sequence s where s.seqrelid = pg_get_serial_sequence($1, $2)::regclass) q) as sequence
       from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
       left join pg_collation co on co.oid = a.attcollation
      where a.attrelid = $1::regclass and a.attname = $2 and not a.attisdropped`,
    [table, column],
  );
  return row;
}

interface DefinitionCase {
  readonly name: string;
  readonly table: string;
  readonly column: string;
  readonly setup: readonly string[];
  /** After the restore, beside the catalog comparison. */
  readonly check?: (conn: SqlConnection) => Promise<void>;
}

const DEFINITION_CASES: DefinitionCase[] = [
  {
    name: 'identity column: same sequence, options and position; an insert without it gets the next value',
    table: 'di',
    column: 'n',
    setup: [
      'create table di (id int primary key, n bigint generated always as identity (start with 10 increment by 2 maxvalue 100000), note text)',
      "insert into di (id, note) select g, 'x' from generate_series(1, 50) g",
    ],
    check: async (conn) => {
      const [row] = await conn.query<{ n: string }>(
        "insert into di (id, note) values (51, 'after') returning n",
      );
      assert.equal(row!.n, '110', 'the identity continues after 10 + 49 * 2');
    },
  },
  {
    name: 'stored generated column: its expression, values computed again',
    table: 'dg',
    column: 'b',
    setup: [
      'create table dg (id int primary key, a int, b int generated always as (a * 2) stored)',
      'insert into dg (id, a) select g, g from generate_series(1, 50) g',
    ],
    check: async (conn) => {
      const [row] = await conn.query<{ off: string }>(
        'select count(*) as off from dg where b is distinct from a * 2',
      );
      assert.equal(row!.off, '0');
    },
  },
  {
    name: 'collation "C" and a comment',
    table: 'dc',
    column: 's',
    setup: [
      'create table dc (id int primary key, s text collate "C")',
      "insert into dc select g, 'v' || g from generate_series(1, 50) g",
      "comment on column dc.s is 'sorted byte-wise; it''s on purpose'",
    ],
  },
  {
    name: 'indexes (unique over two columns, expression + predicate) and constraints (check, unique, foreign key, NOT VALID check)',
    table: 'du',
    column: 'code',
    setup: [
      'create table du_parent (code text primary key)',
      "insert into du_parent select 'c' || g from generate_series(1, 50) g",
      'create table du (id int primary key, code text not null, other int)',
      "insert into du select g, 'c' || g, g from generate_series(1, 50) g",
      'create unique index du_code_other on du (code, other)',
      'create index du_lower_code on du (lower(code)) where other > 10',
      'alter table du add constraint du_code_long check (length(code) > 1)',
      'alter table du add constraint du_code_key unique (code)',
      'alter table du add constraint du_code_fk foreign key (code) references du_parent (code)',
      'alter table du add constraint du_code_lower check (code = lower(code)) not valid',
    ],
  },
];

for (const server of pgServers())
  describe(`[pg ${server.label}] restore puts back only what was dropped`, () => {
    let tdb: TestDatabase;
    let db: Database;
    let conn: SqlConnection;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ tdb, db, conn, close } = await testDatabase(server));
    });
    afterAll(() => close());

    test('a drop that fails at its drop step keeps the column and discards the backup it made', async () => {
      await conn.query('create table held (id int primary key, v text not null)');
      await conn.query("insert into held select g, 'v' || g from generate_series(1, 50) g");
      const before = await checksum(conn, 'select id, v from held');
      // A reader holding the table: the DROP's ACCESS EXCLUSIVE lock times out after the copy.
      const blocker = await tdb.connect();
      await blocker.query('begin');
      await blocker.query('select count(*) from held');
      await assert.rejects(
        dropColumnWithBackup(
          db,
          { table: 'held', column: 'v', confirmUnused: true },
          { run: { lockTimeoutMs: 50, retry: { maxAttempts: 1 }, lock: false, log: () => {} } },
        ),
        /could not get its ACCESS EXCLUSIVE lock/,
      );
      await blocker.query('commit');
      await blocker.close();
      assert.equal(await checksum(conn, 'select id, v from held'), before, 'the column is intact');
      assert.deepEqual(await listBackups(db, { table: 'held' }), [], 'nothing to restore');
      const [history] = await listBackups(db, { table: 'held', includeHistory: true });
      assert.equal(history?.status, 'purged');
      const [left] = await conn.query<{ n: string }>(
        "select count(*) as n from pg_tables where schemaname = 'ballast_backup' and tablename = $1",
        [history.backupTable],
      );
      assert.equal(Number(left!.n), 0, 'its data is gone');
      // A down() that still tries it cannot revert writes made since.
      await conn.query("update held set v = 'new' || id");
      const after = await checksum(conn, 'select id, v from held');
      await assert.rejects(restoreBackup(db, history.id), /purged, not restorable/);
      await assert.rejects(
        restoreBackup(db, { table: 'held', column: 'v' }),
        /no restorable backup of held\.v/,
      );
      assert.equal(await checksum(conn, 'select id, v from held'), after, 'rows keep their new values');
    });

    test('restore refuses a backup whose column was never dropped (a deploy that died before the drop): live values are kept', async () => {
      await conn.query('create table live (id int primary key, v text not null)');
      await conn.query("insert into live select g, 'old' || g from generate_series(1, 50) g");
      // What a deploy killed between the copy and the drop leaves: a ready backup, a live column.
      const backup = await backupColumn(db, { table: 'live', column: 'v' });
      assert.equal(backup.status, 'ready');
      await conn.query("update live set v = 'new' || id");
      const expected = await checksum(conn, "select g as id, 'new' || g as v from generate_series(1, 50) g");

      const refused = await restoreBackup(db, backup.id).catch((e: unknown) => e);
      assert.ok(refused instanceof UnsafeOperationError, String(refused));
      assert.match(refused.message, /live\.v was never dropped .* nothing to restore/);
      assert.match(
        refused.details.hint ?? '',
        new RegExp(`purgeBackups\\(db, \\{ ids: \\[${backup.id}\\] \\}\\)`),
      );
      assert.equal(await checksum(conn, 'select id, v from live'), expected, 'rows keep their new values');

      // The hint's way out: discard that backup (only that one).
      assert.deepEqual(
        (await purgeBackups(db, { ids: [backup.id] })).map((b) => b.id),
        [backup.id],
      );
      assert.deepEqual(await listBackups(db, { table: 'live' }), []);
    });

    for (const c of DEFINITION_CASES)
      test(`drop + restore keeps the whole column: ${c.name}`, async () => {
        for (const sql of c.setup) await conn.query(sql);
        const before = await definitionOf(conn, c.table, c.column);
        const values = await checksum(conn, `select id, ${c.column} from ${c.table}`);
        const backup = await dropColumnWithBackup(db, {
          table: c.table,
          column: c.column,
          confirmUnused: true,
        });
        assert.equal(await definitionOf(conn, c.table, c.column), undefined, 'dropped');
        await restoreBackup(db, backup.id);
        assert.deepEqual(await definitionOf(conn, c.table, c.column), before);
        assert.equal(await checksum(conn, `select id, ${c.column} from ${c.table}`), values);
        await c.check?.(conn);
      });

    test("restoring a column with an index inside the caller's transaction is refused before the column is added", async () => {
      await conn.query('create table dt (id int primary key, v text)');
      await conn.query("insert into dt select g, 'v' || g from generate_series(1, 50) g");
      await conn.query('create index dt_v_idx on dt (v)');
      const backup = await dropColumnWithBackup(db, { table: 'dt', column: 'v', confirmUnused: true });
      const client = new pg.Client({ connectionString: tdb.url });
      await client.connect();
      try {
        await client.query('begin');
        const inTransaction: Database = {
          dialect: 'postgres',
          inTransaction: true,
          withSession: (fn) => fn(pgSession(client)),
        };
        await assert.rejects(restoreBackup(inTransaction, backup.id), WrongContextError);
        const { rows } = await client.query(
          "select 1 from pg_attribute where attrelid = 'dt'::regclass and attname = 'v'",
        );
        assert.equal(rows.length, 0, 'nothing was done in the transaction');
        await client.query('rollback');
      } finally {
        await client.end();
      }
      await restoreBackup(db, backup.id);
      assert.ok(await definitionOf(conn, 'dt', 'v'));
    });

    test('a column a view depends on is refused before any copy, naming the view', async () => {
      await conn.query('create table dv (id int primary key, v text)');
      await conn.query('create view dv_view as select id, v from dv');
      await assert.rejects(
        dropColumnWithBackup(db, { table: 'dv', column: 'v', confirmUnused: true }),
        (error: unknown) =>
          error instanceof UnsafeOperationError && /view dv_view depends on it/.test(error.message),
      );
      assert.deepEqual(await listBackups(db, { table: 'dv' }), [], 'no backup made');
      assert.ok(await definitionOf(conn, 'dv', 'v'), 'the column is still there');
    });
  });
