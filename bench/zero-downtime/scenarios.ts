/**
 * The schema changes the benchmark measures. Each one names the table state it starts from,
 * the application traffic (pgbench scripts: reads, updates and inserts on the migrated table) and
 * the plain SQL a developer would write (naive mode). Ballast mode lives in ballast.ts.
 */
import { quoteIdent } from '@ballast/core/adapter';
import type { PgbenchScript } from './pgbench.js';

export const TABLE = 'bench_items';
export const PARENT = 'bench_accounts';

export type ScenarioId =
  | 'add-column'
  | 'create-index'
  | 'add-foreign-key'
  | 'set-not-null'
  | 'backfill'
  | 'change-type'
  | 'add-computed-column'
  | 'long-transaction';

export interface Scenario {
  readonly id: ScenarioId;
  readonly title: string;
  /** True for the scenario sized by --backfill-rows (its table is larger by default). */
  readonly big?: boolean;
  /** True for a scenario whose migration backfills every row: it runs for --backfill-duration. */
  readonly long?: boolean;
  /** SQL run once on the template database after the traffic table is filled. */
  readonly setup: readonly string[];
  /** The one statement a developer would write. */
  readonly naive: string;
  /**
   * True when the migration drops `amount` (expand/contract): the application then writes
   * `payload` instead and lets inserts take amount's default, in every mode, so the one pgbench
   * script stays valid before, between and after the two phases (in production a deploy would
   * move it to the new column between them).
   */
  readonly appAvoidsAmount?: boolean;
  /** True when the migration writes every row: its throughput (rows/s) is reported. */
  readonly fillsRows?: boolean;
  /** True when the reader holds its transaction for --long-reader-hold (10 s) instead of --reader-hold. */
  readonly longReader?: boolean;
}

const q = (name: string) => quoteIdent('postgres', name);
const t = q(TABLE);

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'add-column',
    title: 'add a NOT NULL column with a default',
    setup: [],
    naive: `alter table ${t} add column ${q('status')} text not null default 'new'`,
  },
  {
    id: 'create-index',
    title: 'add an index',
    setup: [],
    naive: `create index ${q('bench_items_account_id_idx')} on ${t} (${q('account_id')})`,
  },
  {
    id: 'add-foreign-key',
    title: 'add a foreign key',
    // Account ids 0..1000 cover every account_id the table and the inserts use.
    setup: [
      `create table ${q(PARENT)} (id int primary key)`,
      `insert into ${q(PARENT)} select g from generate_series(0, 1000) g`,
    ],
    naive: `alter table ${t} add constraint ${q('bench_items_account_fk')} foreign key (${q('account_id')}) references ${q(PARENT)} (${q('id')})`,
  },
  {
    id: 'set-not-null',
    title: 'set NOT NULL',
    // The column starts nullable (no NULLs in it), as it would before the application fills it.
    setup: [`alter table ${t} alter column ${q('account_id')} drop not null`],
    naive: `alter table ${t} alter column ${q('account_id')} set not null`,
  },
  {
    id: 'backfill',
    title: 'backfill rows',
    big: true,
    fillsRows: true,
    setup: [`alter table ${t} add column ${q('amount_cents')} bigint`],
    naive: `update ${t} set ${q('amount_cents')} = ${q('amount')} * 100`,
  },
  {
    id: 'change-type',
    title: 'change a column type int → bigint',
    setup: [],
    naive: `alter table ${t} alter column ${q('amount')} type bigint`,
    long: true,
    appAvoidsAmount: true,
  },
  {
    // The new column is computed from another and must stay right for writers that do not know it
    // (the running release): pgroll's add_column with `up`, Ballast's expand with `using`. The
    // naive form is a stored generated column: one statement, a table rewrite under ACCESS EXCLUSIVE.
    id: 'add-computed-column',
    title: 'add a NOT NULL column computed from another (+ backfill)',
    setup: [],
    naive: `alter table ${t} add column ${q('amount_cents')} bigint not null generated always as (${q('amount')} * 100) stored`,
    long: true,
    fillsRows: true,
  },
  {
    // A catalog-only change that needs ACCESS EXCLUSIVE for an instant, behind a 10 s read
    // transaction: how long the application waits is decided by how the lock is asked for.
    id: 'long-transaction',
    title: 'ACCESS EXCLUSIVE behind a 10 s read transaction (add a nullable column)',
    setup: [],
    naive: `alter table ${t} add column ${q('note')} text`,
    longReader: true,
  },
];

/**
 * The application: 60% point reads, 20% updates, 20% inserts, one statement per transaction,
 * all on the table being migrated. Ids are drawn from the rows the table started with.
 */
export function applicationScripts(scenario: Scenario): PgbenchScript[] {
  const [set, columns, values] = scenario.appAvoidsAmount
    ? [`${q('payload')} = 'pgbench'`, [q('account_id'), q('payload')], `:acc, 'pgbench'`]
    : [
        `${q('amount')} = ${q('amount')} + 1`,
        [q('account_id'), q('payload'), q('amount')],
        `:acc, 'pgbench', 1`,
      ];
  return [
    { name: 'read', weight: 6, sql: `\\set id random(1, :rows)\nselect * from ${t} where id = :id;\n` },
    {
      name: 'update',
      weight: 2,
      sql: `\\set id random(1, :rows)\nupdate ${t} set ${set}, ${q('updated_at')} = now() where id = :id;\n`,
    },
    {
      name: 'insert',
      weight: 2,
      sql: `\\set acc random(1, 1000)\ninsert into ${t} (${columns.join(', ')}) values (${values});\n`,
    },
  ];
}
