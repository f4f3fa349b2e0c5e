/**
 * Every Knex helper with a MySQL/MariaDB plan, as one case each: the statement a developer would
 * write (naive) beside the Ballast helper, both on a fresh copy of the 1M-row `accounts` table
 * (testkit's traffic table plus `note`, filled, and `tag`, empty) and an `owners` table, and the
 * schema each was asked for, read back from information_schema.
 */
import type { Ballast } from '@ballast/knex';
import type { SqlConnection } from '@ballast/testkit';

export interface HelperCase {
  readonly helper: string;
  /** The table the long reader holds open: the one the change is made on. */
  readonly table: string;
  /** Run on the fresh copy before the traffic starts. */
  readonly prepare?: readonly string[];
  /** Then, ballast mode: a helper the case needs first (contract's expand). */
  readonly expand?: (b: Ballast) => Promise<unknown>;
  /** Then, naive mode: what a developer without Ballast would have done instead of `expand`. */
  readonly naivePrepare?: readonly string[];
  readonly naive: string;
  /**
   * Who queues behind the naive statement while the reader holds the table: the clients, or only
   * the statement itself (dropTable: the application no longer uses that table).
   */
  readonly naiveBlocks?: 'clients' | 'itself';
  readonly ballast: (b: Ballast) => Promise<unknown>;
  /** The helper refuses with this error, changing nothing. */
  readonly refuses?: string;
  /** The change is in place as asked (`rows`: the table's size before the traffic). */
  readonly asAsked: (conn: SqlConnection, rows: number) => Promise<boolean>;
}

interface ColumnFacts {
  readonly type: string;
  readonly nullable: boolean;
  readonly default: string | null;
}

async function column(conn: SqlConnection, table: string, name: string): Promise<ColumnFacts | undefined> {
  const [row] = await conn.query<{ t: string; n: string; d: string | null }>(
    `select COLUMN_TYPE as t, IS_NULLABLE as n, COLUMN_DEFAULT as d from information_schema.COLUMNS
      where TABLE_SCHEMA = database() and TABLE_NAME = $1 and COLUMN_NAME = $2`,
    [table, name],
  );
  return row && { type: row.t, nullable: row.n === 'YES', default: row.d };
}

/** `a,b` (and ` unique`) for an index, undefined when there is none of that name. */
async function index(conn: SqlConnection, table: string, name: string): Promise<string | undefined> {
  const [row] = await conn.query<{ c: string | null; u: number }>(
    `select group_concat(COLUMN_NAME order by SEQ_IN_INDEX) as c, max(1 - NON_UNIQUE) as u
       from information_schema.STATISTICS where TABLE_SCHEMA = database() and TABLE_NAME = $1 and INDEX_NAME = $2`,
    [table, name],
  );
  return row?.c ? `${row.c}${Number(row.u) ? ' unique' : ''}` : undefined;
}

async function count(conn: SqlConnection, sql: string, params: readonly unknown[] = []): Promise<number> {
  const [row] = await conn.query<{ n: number }>(sql, params);
  return Number(row?.n);
}

export const HELPER_CASES: readonly HelperCase[] = [
  {
    helper: 'safeAddColumn',
    table: 'accounts',
    naive: 'ALTER TABLE accounts ADD COLUMN flag int NOT NULL DEFAULT 0',
    ballast: (b) => b.safeAddColumn('accounts', 'flag', { type: 'int', notNull: true, default: 0 }),
    asAsked: async (conn) => {
      const c = await column(conn, 'accounts', 'flag');
      return c?.type === 'int(11)' && !c.nullable && c.default === '0';
    },
  },
  {
    helper: 'addIndexConcurrently',
    table: 'accounts',
    naive: 'CREATE INDEX accounts_account_id_idx ON accounts (account_id)',
    ballast: (b) => b.addIndexConcurrently('accounts', ['account_id'], { name: 'accounts_account_id_idx' }),
    asAsked: async (conn) => (await index(conn, 'accounts', 'accounts_account_id_idx')) === 'account_id',
  },
  {
    helper: 'dropIndexConcurrently',
    table: 'accounts',
    prepare: ['CREATE INDEX accounts_note_idx ON accounts (note)'],
    naive: 'DROP INDEX accounts_note_idx ON accounts',
    ballast: (b) => b.dropIndexConcurrently('accounts_note_idx', { table: 'accounts' }),
    asAsked: async (conn) => (await index(conn, 'accounts', 'accounts_note_idx')) === undefined,
  },
  {
    helper: 'addUnique',
    table: 'accounts',
    naive: 'ALTER TABLE accounts ADD CONSTRAINT accounts_note_key UNIQUE (note)',
    ballast: (b) => b.addUnique('accounts', ['note'], { name: 'accounts_note_key' }),
    asAsked: async (conn) => (await index(conn, 'accounts', 'accounts_note_key')) === 'note unique',
  },
  {
    helper: 'addForeignKey',
    table: 'accounts',
    naive:
      'ALTER TABLE accounts ADD CONSTRAINT accounts_owner_fk FOREIGN KEY (account_id) REFERENCES owners (id)',
    ballast: (b) =>
      b.addForeignKey(
        'accounts',
        ['account_id'],
        { table: 'owners', columns: ['id'] },
        { name: 'accounts_owner_fk' },
      ),
    asAsked: async (conn) =>
      (await count(
        conn,
        `select count(*) as n from information_schema.REFERENTIAL_CONSTRAINTS where CONSTRAINT_SCHEMA = database()
          and TABLE_NAME = 'accounts' and CONSTRAINT_NAME = 'accounts_owner_fk' and REFERENCED_TABLE_NAME = 'owners'`,
      )) === 1,
  },
  {
    helper: 'setNotNull',
    table: 'accounts',
    naive: 'ALTER TABLE accounts MODIFY payload varchar(200) NOT NULL',
    ballast: (b) => b.setNotNull('accounts', 'payload'),
    asAsked: async (conn) => {
      const c = await column(conn, 'accounts', 'payload');
      return c?.type === 'varchar(200)' && !c.nullable;
    },
  },
  {
    helper: 'backfill',
    table: 'accounts',
    naive: "UPDATE accounts SET tag = concat('t', id) WHERE tag IS NULL",
    ballast: (b) => b.backfill('accounts', { tag: "concat('t', id)" }, { where: 'tag is null' }),
    // Rows the clients insert meanwhile come after the backfill's bound and keep their NULL.
    asAsked: async (conn, rows) =>
      (await count(
        conn,
        "select count(*) as n from accounts where id <= $1 and (tag <> concat('t', id) or tag is null)",
        [rows],
      )) === 0,
  },
  {
    helper: 'renameColumn',
    table: 'accounts',
    naive: 'ALTER TABLE accounts RENAME COLUMN note TO label',
    ballast: (b) => b.renameColumn('accounts', 'note', 'label'),
    asAsked: async (conn) => (await column(conn, 'accounts', 'label'))?.type === 'varchar(40)',
  },
  {
    helper: 'contract',
    table: 'accounts',
    expand: (b) => b.renameColumn('accounts', 'note', 'label'),
    naivePrepare: ['ALTER TABLE accounts ADD COLUMN label varchar(40)', 'UPDATE accounts SET label = note'],
    naive: 'ALTER TABLE accounts DROP COLUMN note',
    ballast: (b) => b.contract('accounts', 'note'),
    asAsked: async (conn) =>
      (await column(conn, 'accounts', 'note')) === undefined &&
      (await column(conn, 'accounts', 'label'))?.type === 'varchar(40)',
  },
  {
    helper: 'changeColumnType',
    table: 'accounts',
    naive: 'ALTER TABLE accounts MODIFY amount BIGINT NOT NULL DEFAULT 0',
    ballast: (b) => b.changeColumnType('accounts', 'amount', 'BIGINT'),
    asAsked: async (conn) => {
      const c = await column(conn, 'accounts', 'amount');
      return c?.type === 'bigint(20)' && !c.nullable && c.default === '0';
    },
  },
  {
    helper: 'dropColumn',
    table: 'accounts',
    naive: 'ALTER TABLE accounts DROP COLUMN note',
    ballast: (b) => b.dropColumn('accounts', 'note', { confirmUnused: true }),
    asAsked: async (conn) => (await column(conn, 'accounts', 'note')) === undefined,
  },
  {
    helper: 'dropTable',
    table: 'legacy',
    prepare: ['CREATE TABLE legacy LIKE accounts', 'INSERT INTO legacy SELECT * FROM accounts'],
    naive: 'DROP TABLE legacy',
    naiveBlocks: 'itself',
    ballast: (b) => b.dropTable('legacy', { confirmUnused: true }),
    asAsked: async (conn) =>
      (await count(
        conn,
        "select count(*) as n from information_schema.TABLES where TABLE_SCHEMA = database() and TABLE_NAME = 'legacy'",
      )) === 0,
  },
  {
    helper: 'addCheck',
    table: 'accounts',
    naive: 'ALTER TABLE accounts ADD CONSTRAINT accounts_amount_check CHECK (amount >= 0)',
    ballast: (b) => b.addCheck('accounts', 'accounts_amount_check', 'amount >= 0'),
    refuses: 'UnsupportedServerError',
    asAsked: async (conn) =>
      (await count(
        conn,
        `select count(*) as n from information_schema.CHECK_CONSTRAINTS where CONSTRAINT_SCHEMA = database()
          and TABLE_NAME = 'accounts' and CONSTRAINT_NAME = 'accounts_amount_check'`,
      )) === 1,
  },
];
