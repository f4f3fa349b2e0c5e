import type { Database, Dialect, Session } from '@ballast/core';
import { quoteQualified } from '@ballast/core/adapter';
import type { Knex } from 'knex';
import { type CallSite, migrationNameOf } from './call-site.js';

export type Direction = 'up' | 'down';

/** Which Knex migration is running, as far as the adapter can tell. */
export interface MigrationContext {
  /** knex_migrations.name of the running migration (its file name). */
  readonly name?: string;
  readonly direction?: Direction;
  /** The core journal key: stable across reruns of one attempt, new for each apply/rollback. */
  readonly journalKey?: string;
  /** knex_migrations already has a row for it (expected in `down`; a lost race in `up`). */
  readonly recorded?: boolean;
}

// `up`, `Module.up`, `exports.down`, or `Object.migrateUp [as up]` as V8 names the frame.
const DIRECTION = /(?:^|\.)(up|down)$|\[as (up|down)\]$/;

/** `up`/`down` from the frame of the migration function, when the stack shows it. */
export function directionOf(sites: readonly CallSite[]): Direction | undefined {
  for (const site of sites) {
    const m = site.fn ? DIRECTION.exec(site.fn) : null;
    if (m) return (m[1] ?? m[2]) as Direction;
  }
  return undefined;
}

/**
 * The journal key. The journal skips steps it saw complete, so the key must change between a
 * migration's apply, its rollback and a later re-apply, yet stay the same when a crashed attempt
 * is rerun. Knex's own table gives exactly that:
 * - up: `<file>@<id knex_migrations will give this row>` (the id sequence only moves when a
 *   migration is recorded, so a crashed, unrecorded attempt reruns under the same key);
 * - down: `<file>#down@<id of the row being rolled back>`.
 */
export async function resolveMigrationContext(
  knex: Knex,
  db: Database,
  sites: readonly CallSite[],
  options: { migration?: string; direction?: Direction; migrationsTable?: string; migrationsSchema?: string },
): Promise<MigrationContext> {
  const first = sites[0];
  const name = options.migration ?? (first ? migrationNameOf(first) : undefined);
  const direction = options.direction ?? directionOf(sites);
  if (!name) return {};
  const config = (knex.client.config as Knex.Config).migrations ?? {};
  const table = options.migrationsTable ?? config.tableName ?? 'knex_migrations';
  const schema = options.migrationsSchema ?? config.schemaName;
  // Queries here must never fail: inside Knex's transaction an error would abort the migration.
  const row = await db.withSession((s) => MIGRATION_IDS[db.dialect](s, name, table, schema));
  if (!row) return { name, journalKey: name, recorded: false, ...(direction ? { direction } : {}) };
  const dir = direction ?? (row.row_id ? 'down' : 'up');
  const recorded = row.row_id !== null;
  const journalKey =
    dir === 'down' && row.row_id
      ? `${name}#down@${row.row_id}`
      : row.next_id
        ? `${name}@${row.next_id}`
        : name;
  return { name, direction: dir, journalKey, recorded };
}

/** This migration's last row id in knex_migrations, and the id the next row will get. */
interface MigrationIds {
  readonly row_id: string | null;
  readonly next_id: string | null;
}

type ReadIds = (
  s: Session,
  name: string,
  table: string,
  schema?: string,
) => Promise<MigrationIds | undefined>;

const MIGRATION_IDS: Readonly<Record<Dialect, ReadIds>> = {
  async postgres(s, name, table, schema) {
    const relation = quoteQualified('postgres', schema ? { schema, name: table } : { name: table });
    const [exists] = await s.query<{ ok: boolean }>('select to_regclass($1) is not null as ok', [relation]);
    if (!exists?.ok) return undefined;
    const [ids] = await s.query<MigrationIds>(
      `select (select id::text from ${relation} where name = $1 order by id desc limit 1) as row_id,
              (select (coalesce(pg_sequence_last_value(seq), 0) + 1)::text
                 from (select pg_get_serial_sequence($2, 'id')::regclass as seq) s where seq is not null) as next_id`,
      [name, relation],
    );
    return ids;
  },
  // The table's AUTO_INCREMENT is the next id (InnoDB persists it across restarts since MariaDB
  // 10.2.4 / MySQL 8.0); MySQL 8 may serve a cached value unless information_schema_stats_expiry
  // is 0, which only matters when two migrations record rows between our read and our run.
  async mysql(s, name, table, schema) {
    const [t] = await s.query<{ next_id: string | null }>(
      `select cast(AUTO_INCREMENT as char) as next_id from information_schema.TABLES
        where TABLE_SCHEMA = coalesce(?, database()) and TABLE_NAME = ?`,
      [schema ?? null, table],
    );
    if (!t) return undefined;
    const relation = quoteQualified('mysql', schema ? { schema, name: table } : { name: table });
    const [row] = await s.query<{ row_id: string | null }>(
      `select cast(max(id) as char) as row_id from ${relation} where name = ?`,
      [name],
    );
    return { row_id: row?.row_id ?? null, next_id: t.next_id };
  },
};
