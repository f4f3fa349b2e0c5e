// Plain Knex configuration: the migrations are ordinary Knex migrations run by the Knex CLI.
// DATABASE_URL is set by start.ts (embedded PostgreSQL) or by the test.
export default {
  client: 'pg',
  connection: process.env.DATABASE_URL,
  pool: { min: 0, max: 4 },
  migrations: { directory: './migrations', loadExtensions: ['.ts'] },
  seeds: { directory: './seeds', loadExtensions: ['.ts'] },
};
