/**
 * The zero-setup demo: starts a throwaway PostgreSQL 18 from the npm-shipped binaries, applies the
 * first migration, seeds production-like data, then runs the real `knex migrate:latest`, a
 * `migrate:rollback` of that batch and `migrate:latest` again, printing the schema after each.
 * The server is stopped at the end (and on Ctrl-C).
 *
 *   pnpm --filter knex-app start          SEED_USERS=200000 for a bigger table
 */
import { rmSync } from 'node:fs';
import { createRunDir, findPgBinaries, startLocalPostgres } from '@ballast/testkit';
import { readState, runKnex } from './app.js';

const log = (line: string) => process.stdout.write(`\n[knex-app] ${line}\n`);

log('starting an embedded PostgreSQL 18 …');
const runDir = createRunDir();
const server = await startLocalPostgres(runDir, findPgBinaries('18'));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void server.stop().finally(() => process.exit(130))); // the next run sweeps its files
}
log(`${server.version} at ${server.url}`);
const env = { DATABASE_URL: server.url };

async function knex(...args: string[]): Promise<void> {
  log(`$ knex ${args.join(' ')}`);
  const result = await runKnex(args, env, { echo: true });
  if (result.code !== 0) throw new Error(`knex ${args.join(' ')} exited with code ${result.code}`);
}

async function show(title: string): Promise<void> {
  const state = await readState(server.url);
  log(`${title}: ${state.users} users, ${state.products} products`);
  for (const [table, cols] of Object.entries(state.columns)) console.log(`  ${table}(${cols.join(', ')})`);
  console.log(`  NOT NULL: ${state.notNull.join(', ')}`);
  console.log(`  constraints: ${state.constraints.join('; ') || '-'}`);
  console.log(`  indexes: ${state.indexes.join(', ')}`);
  console.log(`  knex_migrations: ${state.migrations.join(', ')}`);
}

let failed = false;
try {
  await knex('migrate:up', '20240101000000_initial_schema.ts');
  await knex('seed:run');
  await show('seeded');
  await knex('migrate:latest');
  await show('after migrate:latest');
  await knex('migrate:rollback');
  await show('after migrate:rollback');
  await knex('migrate:latest');
  await show('after migrate:latest again');
} catch (error) {
  failed = true;
  console.error(`\n[knex-app] ${(error as Error).message}`);
} finally {
  await server.stop();
  rmSync(runDir.path, { recursive: true, force: true }); // the throwaway cluster's data
  log('PostgreSQL stopped');
}
process.exit(failed ? 1 : 0);
