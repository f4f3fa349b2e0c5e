/**
 * The example runs end to end (one command) on the harness's PostgreSQL: every step's SQL is the
 * safe one, `prisma migrate status` agrees after each (start.ts checks it), and the real
 * `prisma migrate deploy` applies the same folders to a fresh database.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pgServers, pgTestDatabase } from '@ballast/testkit';
import { describe, test } from 'vitest';

const start = fileURLToPath(new URL('../start.ts', import.meta.url));

describe.each(pgServers())('prisma-app (PostgreSQL $label)', (server) => {
  test('prisma-app: init, required field with a default, @@index, rename by expand/contract, data migration', async () => {
    const db = await pgTestDatabase('prisma_app', server);
    try {
      const child = spawn(process.execPath, ['--conditions=ballast-source', '--import', 'tsx', start], {
        env: { ...process.env, DATABASE_URL: db.url, SEED_USERS: '3000' },
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise((resolve) => child.on('close', resolve));
      assert.equal(code, 0, out);
      const sqlOf = (name: string) =>
        new RegExp(
          `\\[prisma-app\\] \\d{14}_${name}/migration\\.sql:\\n([\\s\\S]*?)\\nLoaded Prisma config`,
        ).exec(out)?.[1] ?? '';
      assert.match(
        sqlOf('plan'),
        /^-- AlterTable\nSET lock_timeout = '\d+ms';\nALTER TABLE "User" ADD COLUMN\s+"plan" TEXT NOT NULL DEFAULT 'free';/m,
      );
      // One statement alone in its folder: Prisma runs a file as one transaction.
      assert.match(
        sqlOf('email_index'),
        /^-- CreateIndex\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "User_email_idx" ON "User" \("email"\);$/,
      );
      assert.match(sqlOf('full_name'), /^-- ballast:phase expand\n/);
      assert.match(
        sqlOf('drop_name'),
        /^-- ballast:phase contract\n(-- .*\n)*ALTER TABLE "User" DROP COLUMN "name";/,
      );
      assert.match(out, /_drop_name is a contract: its expand \d{14}_full_name was deployed at/);
      const after = (title: string) => new RegExp(`\\[prisma-app\\] after ${title}: (.*)`).exec(out)?.[1];
      assert.equal(
        after('data migration: copy name into fullName'),
        'User(id integer not null, email text not null, name text not null, plan text not null, fullName text); indexes: User_email_idx, User_pkey; 3000 rows, 3000 with fullName',
      );
      assert.equal(
        after('rename name → fullName, contract'),
        'User(id integer not null, email text not null, plan text not null, fullName text); indexes: User_email_idx, User_pkey; 3000 rows, 3000 with fullName',
      );
      assert.match(
        out,
        /\[prisma-app\] plain deploy: User\(id integer not null, email text not null, plan text not null, fullName text\); indexes: User_email_idx, User_pkey; 0 rows/,
      );
    } finally {
      await db.drop();
    }
  }, 600_000);
});
