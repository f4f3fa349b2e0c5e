/**
 * ballast-prisma hands what it does not handle to the project's prisma (same arguments, output
 * and exit code), and `migrate lint` is `ballast lint` on the configured migrations folder.
 */
import assert from 'node:assert/strict';
import { pgTestDatabase, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { ballastPrisma, type PrismaProject, prisma, prismaProject } from './prisma-project.js';

const INIT =
  'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n';
const MODEL = 'model User {\n  id    Int    @id @default(autoincrement())\n  email String\n}';

describe('ballast-prisma passthrough and migrate lint', () => {
  let db: TestDatabase;
  let project: PrismaProject;
  beforeAll(async () => {
    db = await pgTestDatabase('prisma_pass');
    project = prismaProject(db.url, MODEL);
    project.addMigration('20260101000000_init', INIT);
  });
  afterAll(() => db.drop());

  test('an unhandled command runs the real prisma: same output and exit code', async () => {
    const pending = await ballastPrisma(project, 'migrate', 'status');
    const direct = await prisma(project, 'migrate', 'status');
    assert.equal(pending.code, 1, 'status exits 1 while a migration is pending');
    assert.equal(pending.code, direct.code);
    assert.match(pending.stdout, /20260101000000_init/);
    const deploy = await ballastPrisma(project, 'migrate', 'deploy');
    assert.equal(deploy.code, 0, deploy.stdout + deploy.stderr);
    const conn = await db.connect();
    try {
      const rows = await conn.query<{ migration_name: string }>(
        'select migration_name from _prisma_migrations',
      );
      assert.deepEqual(rows, [{ migration_name: '20260101000000_init' }]);
    } finally {
      await conn.close();
    }
    assert.equal((await ballastPrisma(project, 'migrate', 'status')).code, 0);
  });

  test('migrate lint lints the configured folder with ballast lint formats and exit codes', async () => {
    project.addMigration('20260102000000_index', 'CREATE INDEX "User_email_idx" ON "User"("email");\n');
    const text = await ballastPrisma(project, 'migrate', 'lint');
    assert.equal(text.code, 1, text.stdout + text.stderr);
    assert.match(
      text.stdout,
      /20260102000000_index\/migration\.sql:1:1 error require-concurrent-index-creation/,
    );
    const json = await ballastPrisma(project, 'migrate', 'lint', '--format', 'json');
    assert.equal(json.code, 1);
    const report = JSON.parse(json.stdout) as unknown;
    assert.match(JSON.stringify(report), /require-concurrent-index-creation/);
  });
});
