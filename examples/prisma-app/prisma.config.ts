// Plain Prisma 7 config. The ballast_* tables are Ballast's bookkeeping (journal, backfill
// checkpoints, refused contracts), not the app's: declared external so that `prisma migrate dev`
// does not see them as drift.
export default {
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL },
  experimental: { externalTables: true },
  tables: {
    external: [
      'public.ballast_journal',
      'public.ballast_locks',
      'public.ballast_backfill_checkpoints',
      'public.ballast_prisma_contracts',
    ],
  },
};
