/**
 * How the pinned Prisma (7.10) applies a migration.sql, proven with the real CLI: the whole file
 * is one query, so PostgreSQL runs it as one implicit transaction. CREATE INDEX CONCURRENTLY
 * therefore fails beside any other statement (and nothing of the file stays applied), and works
 * alone in its file: why ballast-prisma gives such statements migration folders of their own.
 */
import assert from 'node:assert/strict';
import { pgServers, pgTestDatabase } from '@ballast/testkit';
import { describe, test } from 'vitest';
import { prisma, prismaProject } from './prisma-project.js';

const USER =
  'model User {\n  id    Int    @id @default(autoincrement())\n  email String\n  name  String?\n  @@index([email])\n}';
const INIT =
  'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n';
const CIC = 'CREATE INDEX CONCURRENTLY "User_email_idx" ON "User"("email");\n';
const ADD = 'ALTER TABLE "User" ADD COLUMN "name" TEXT;\n';

describe.each(pgServers())('prisma migrate deploy (Prisma 7.10, PostgreSQL $label)', (server) => {
  test('CONCURRENTLY beside another statement fails as one transaction; alone in its folder it applies', async () => {
    const db = await pgTestDatabase('prisma_cic', server);
    const conn = await db.connect();
    try {
      const together = prismaProject(db.url, USER);
      together.addMigration('20260101000000_init', INIT);
      together.addMigration('20260102000000_index', CIC + ADD);
      const failed = await prisma(together, 'migrate', 'deploy');
      assert.notEqual(failed.code, 0);
      assert.match(
        failed.stdout + failed.stderr,
        /CREATE INDEX CONCURRENTLY cannot run inside a transaction block/,
      );
      // Atomic: the ADD COLUMN after it was rolled back with it; Prisma recorded a failed row.
      const columns = await conn.query<{ n: string }>(
        "select count(*)::text as n from information_schema.columns where table_name = 'User' and column_name = 'name'",
      );
      assert.equal(columns[0]!.n, '0');
      const rows = await conn.query<{ migration_name: string; finished: boolean }>(
        'select migration_name, finished_at is not null as finished from _prisma_migrations order by migration_name',
      );
      assert.deepEqual(
        rows.map((r) => [r.migration_name, r.finished]),
        [
          ['20260101000000_init', true],
          ['20260102000000_index', false],
        ],
      );

      await conn.query('drop table "User", _prisma_migrations');
      const apart = prismaProject(db.url, USER);
      apart.addMigration('20260101000000_init', INIT);
      apart.addMigration('20260102000000_index', CIC);
      apart.addMigration('20260102000000_index_ballast_01', ADD);
      const applied = await prisma(apart, 'migrate', 'deploy');
      assert.equal(applied.code, 0, applied.stdout + applied.stderr);
      const index = await conn.query<{ valid: boolean }>(
        `select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = 'User_email_idx'`,
      );
      assert.deepEqual(index, [{ valid: true }]);
      const status = await prisma(apart, 'migrate', 'status');
      assert.equal(status.code, 0, status.stdout + status.stderr);
      assert.match(status.stdout, /up to date/);
    } finally {
      await conn.close();
      await db.drop();
    }
  });
});
