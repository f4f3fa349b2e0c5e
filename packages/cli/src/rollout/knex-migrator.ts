/**
 * The rollout's migrator for a Knex migrations directory: Knex's own migrator (its transactions,
 * its knex_migrations rows and lock, batches) over the files `ballast check` and `plan` read,
 * loaded the same way, one short-lived Knex instance per database and call.
 */
import { basename } from 'node:path';
import type { RolloutMigrator } from '@ballast/core';
import type { Knex } from 'knex';
import { knexMigrationsIn, loadMigration } from '../knex-capture.js';
import { importOptional } from '../optional.js';

type KnexFactory = typeof import('knex').default;

export function knexMigrator(dir: string): RolloutMigrator {
  const files = knexMigrationsIn(dir);
  const migrationSource: Knex.MigrationSource<string> = {
    getMigrations: async () => files,
    getMigrationName: (file) => basename(file),
    getMigration: async (file) => (await loadMigration(file)) as Knex.Migration,
  };
  const config = { migrationSource };
  const withKnex = async <T>(url: string, fn: (knex: Knex) => Promise<T>): Promise<T> => {
    const { default: knexFactory } = await importOptional<{ default: KnexFactory }>(
      'knex',
      'ballast rollout',
    );
    const knex = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 2 } });
    try {
      return await fn(knex);
    } finally {
      await knex.destroy();
    }
  };
  const batch = (knex: Knex) =>
    knex.schema.hasTable('knex_migrations').then(async (has) => {
      if (!has) return 0;
      const [row] = await knex('knex_migrations').max<{ max: number | null }[]>('batch as max');
      return Number(row?.max ?? 0);
    });
  return {
    pending: (url) =>
      withKnex(url, async (knex) => {
        const [, pending] = (await knex.migrate.list(config)) as [unknown, string[]];
        return pending.map((file) => basename(file));
      }),
    batch: (url) => withKnex(url, batch),
    up: (url, { forceUnlock }) =>
      withKnex(url, async (knex) => {
        // Only after our own runner died mid-migration (the rollout's claim rules out another).
        if (forceUnlock && (await knex.schema.hasTable('knex_migrations_lock')))
          await knex.migrate.forceFreeMigrationsLock(config);
        // One migration per Knex batch (migrate.up), not migrate.latest: in a batch that holds a
        // `transaction: false` migration, Knex commits each transactional migration and only then
        // inserts its knex_migrations row, so a kill between the two ran it again on resume. Alone,
        // a transactional migration and its row commit together; rollbackAfter undoes batch by batch.
        const applied: string[] = [];
        for (;;) {
          const [, log] = (await knex.migrate.up(config)) as [number, string[]];
          if (log.length === 0) return applied;
          applied.push(...log.map((file) => basename(file)));
        }
      }),
    rollbackAfter: (url, before) =>
      withKnex(url, async (knex) => {
        const names: string[] = [];
        while ((await batch(knex)) > before) {
          const [, log] = (await knex.migrate.rollback(config)) as [number, string[]];
          names.push(...log.map((file) => basename(file)));
        }
        return names;
      }),
  };
}
