import type { Database } from '@ballast/core';
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
  const relation = quoteQualified('postgres', schema ? { schema, name: table } : { name: table });
  // Queries here must never fail: inside Knex's transaction an error would abort the migration.
  const row = await db.withSession(async (s) => {
    const [exists] = await s.query<{ ok: boolean }>('select to_regclass($1) is not null as ok', [relation]);
    if (!exists?.ok) return undefined;
    const [ids] = await s.query<{ row_id: string | null; next_id: string | null }>(
      `select (select id::text from ${relation} where name = $1 order by id desc limit 1) as row_id,
              (select (coalesce(pg_sequence_last_value(seq), 0) + 1)::text
                 from (select pg_get_serial_sequence($2, 'id')::regclass as seq) s where seq is not null) as next_id`,
      [name, relation],
    );
    return ids;
  });
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
