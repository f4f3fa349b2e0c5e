/**
 * `ballast-prisma migrate deploy`: core's runner applies the migrations, `_prisma_migrations` is
 * written as Prisma writes it (the real `prisma migrate status` and `migrate deploy` agree), and a
 * deploy killed with SIGKILL mid-migration resumes on rerun with one finished row per migration.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pgServers, pgTestDatabase, type SqlConnection } from '@ballast/testkit';
import { describe, expect, test } from 'vitest';
import {
  BIN,
  ballastPrisma,
  type PrismaProject,
  prisma,
  prismaProject,
  SOURCE_NODE_ARGS,
} from './prisma-project.js';

const MODEL =
  'model User {\n  id    Int    @id @default(autoincrement())\n  email String\n  note  String?\n  @@index([email])\n}';
const MIGRATIONS: Record<string, string> = {
  '20260101000000_init':
    'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n',
  // Not idempotent on purpose: a resumed deploy must skip what already ran, not run it again.
  '20260102000000_note': `SET lock_timeout = '1000ms';\nALTER TABLE "User" ADD COLUMN "note" TEXT;\nSELECT pg_sleep(2);\nINSERT INTO "User" ("email") VALUES ('after-sleep');\n`,
  '20260103000000_index': 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "User_email_idx" ON "User" ("email");\n',
};

function project(url: string): PrismaProject {
  const p = prismaProject(url, MODEL);
  for (const [name, sql] of Object.entries(MIGRATIONS)) p.addMigration(name, sql);
  return p;
}

interface Row {
  migration_name: string;
  checksum: string;
  finished: boolean;
  applied_steps_count: number;
  logs: string | null;
}
const rows = (conn: SqlConnection) =>
  conn.query<Row>(
    'select migration_name, checksum, finished_at is not null as finished, applied_steps_count, logs from _prisma_migrations order by migration_name, started_at',
  );

async function assertAppliedOnce(conn: SqlConnection, p: PrismaProject) {
  const all = await rows(conn);
  assert.deepEqual(
    all.map((r) => [r.migration_name, r.finished, r.applied_steps_count, r.logs]),
    Object.keys(MIGRATIONS).map((n) => [n, true, 1, null]),
  );
  for (const r of all)
    assert.equal(r.checksum, createHash('sha256').update(MIGRATIONS[r.migration_name]!).digest('hex'));
  const status = await prisma(p, 'migrate', 'status');
  assert.equal(status.code, 0, status.stdout + status.stderr);
  assert.match(status.stdout, /up to date/);
  const again = await prisma(p, 'migrate', 'deploy');
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /No pending migrations to apply/);
  const users = await conn.query<{ n: string }>(
    `select count(*)::text as n from "User" where email = 'after-sleep'`,
  );
  assert.equal(users[0]!.n, '1');
}

describe.each(pgServers())('ballast-prisma migrate deploy (PostgreSQL $label)', (server) => {
  test('applies with the runner and writes _prisma_migrations as Prisma does', async () => {
    const db = await pgTestDatabase('prisma_deploy', server);
    const conn = await db.connect();
    try {
      const p = project(db.url);
      const run = await ballastPrisma(p, 'migrate', 'deploy');
      assert.equal(run.code, 0, run.stdout + run.stderr);
      await assertAppliedOnce(conn, p);
    } finally {
      await conn.close();
      await db.drop();
    }
  });

  test('kill -9 in the middle of a migration: the rerun resumes it, one finished row per migration', async () => {
    const db = await pgTestDatabase('prisma_kill', server);
    const conn = await db.connect();
    try {
      const p = project(db.url);
      const child = spawn(process.execPath, [...SOURCE_NODE_ARGS, BIN, 'migrate', 'deploy'], {
        cwd: p.dir,
        env: p.env,
        stdio: 'ignore',
      });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      // Kill while the second migration sleeps: its ADD COLUMN committed, its INSERT not yet run.
      for (let i = 0; ; i++) {
        const sleeping = await conn.query<{ n: string }>(
          `select count(*)::text as n from pg_stat_activity where query like 'SELECT pg_sleep(2)%'`,
        );
        if (sleeping[0]!.n !== '0') break;
        assert.ok(i < 600, 'the deploy never reached the sleeping statement');
        await sleep(50);
      }
      child.kill('SIGKILL');
      await exited;
      const crashed = await rows(conn);
      assert.deepEqual(
        crashed.map((r) => [r.migration_name, r.finished]),
        [
          ['20260101000000_init', true],
          ['20260102000000_note', false],
        ],
      );
      const rerun = await ballastPrisma(p, 'migrate', 'deploy');
      assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
      assert.match(rerun.stderr, /resuming 20260102000000_note/);
      await assertAppliedOnce(conn, p);
    } finally {
      await conn.close();
      await db.drop();
    }
  });
  test('a statement blocked by an open transaction waits with lock_timeout, names the blocker, then applies', async () => {
    const db = await pgTestDatabase('prisma_block', server);
    const conn = await db.connect();
    const blocker = await db.connect();
    try {
      const p = prismaProject(db.url, MODEL);
      p.addMigration('20260101000000_init', MIGRATIONS['20260101000000_init']!);
      expect((await ballastPrisma(p, 'migrate', 'deploy')).code).toBe(0);
      p.addMigration('20260102000000_note', 'ALTER TABLE "User" ADD COLUMN "note" TEXT;\n');
      const [{ pid }] = (await blocker.query<{ pid: number }>('select pg_backend_pid() as pid')) as [
        { pid: number },
      ];
      await blocker.query('begin');
      await blocker.query('select count(*) from "User"');
      const child = spawn(process.execPath, [...SOURCE_NODE_ARGS, BIN, 'migrate', 'deploy'], {
        cwd: p.dir,
        env: p.env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      for (let i = 0; !stderr.includes(`pid ${pid}`); i++) {
        assert.ok(i < 1200, `the deploy never named the blocker (pid ${pid}):\n${stderr}`);
        await sleep(50);
      }
      // The application's transaction was never queued behind an ACCESS EXCLUSIVE request.
      await blocker.query('commit');
      assert.equal(await exited, 0, stderr);
      const note = await conn.query<{ n: string }>(
        "select count(*)::text as n from information_schema.columns where table_name = 'User' and column_name = 'note'",
      );
      assert.equal(note[0]!.n, '1');
      const all = await rows(conn);
      assert.deepEqual(
        all.map((r) => [r.migration_name, r.finished]),
        [
          ['20260101000000_init', true],
          ['20260102000000_note', true],
        ],
      );
    } finally {
      await blocker.close();
      await conn.close();
      await db.drop();
    }
  });
});
