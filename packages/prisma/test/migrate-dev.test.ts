/**
 * `ballast-prisma migrate dev` with the real Prisma CLI: each schema change Prisma writes unsafely
 * is rewritten before its first apply, applied, and agreed on by `prisma migrate status`.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pgServers, pgTestDatabase, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { ballastPrisma, type PrismaProject, prisma, prismaProject } from './prisma-project.js';

const USER = (fields: string, nickname = 'nickname') =>
  `model User {\n  id    Int    @id @default(autoincrement())\n  email String\n  ${nickname} String?\n${fields}\n}`;
const POST = (relation: string) =>
  `model Post {\n  id       Int  @id @default(autoincrement())\n  authorId Int\n${relation}\n  @@index([authorId])\n}`;
const AUTHOR = '  author   User @relation(fields: [authorId], references: [id])';

const folders = (p: PrismaProject) =>
  readdirSync(p.migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
const sqlOf = (p: PrismaProject, folder: string) =>
  readFileSync(join(p.migrationsDir, folder, 'migration.sql'), 'utf8');

/**
 * PostgreSQL 18 included: the describer's panic on the NOT NULL constraints PG 18 lists in
 * pg_constraint (contype 'n') came from the offline stand-in reporting `"char"` as Text, fixed there.
 */
const servers = pgServers();

describe.each(servers)('ballast-prisma migrate dev (PostgreSQL $label)', (server) => {
  let db: TestDatabase;
  let conn: SqlConnection;
  let project: PrismaProject;
  beforeAll(async () => {
    db = await pgTestDatabase('prisma_dev', server);
    conn = await db.connect();
    project = prismaProject(db.url, USER(''));
    const init = await ballastPrisma(project, 'migrate', 'dev', '--name', 'init');
    assert.equal(init.code, 0, init.stdout + init.stderr);
    await conn.query(
      `insert into "User" (email, nickname) select 'u' || g || '@x', 'n' || g from generate_series(1, 500) g`,
    );
  });
  afterAll(async () => {
    await conn.close();
    await db.drop();
  });

  async function assertUpToDate() {
    const status = await prisma(project, 'migrate', 'status');
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.match(status.stdout, /up to date/);
    const unfinished = await conn.query<{ n: string }>(
      'select count(*)::text as n from _prisma_migrations where finished_at is null',
    );
    assert.equal(unfinished[0]!.n, '0');
  }

  test('@@index on a populated table becomes CREATE INDEX CONCURRENTLY alone in its migration', async () => {
    project.writeSchema(USER('  @@index([email])'));
    const before = folders(project);
    const run = await ballastPrisma(project, 'migrate', 'dev', '--name', 'email_index');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const added = folders(project).filter((f) => !before.includes(f));
    assert.equal(added.length, 1);
    const sql = sqlOf(project, added[0]!);
    // One statement only: Prisma sends the file as one query, so nothing may join it.
    assert.match(sql, /^CREATE INDEX CONCURRENTLY IF NOT EXISTS "User_email_idx"/m);
    assert.doesNotMatch(sql, /lock_timeout/);
    assert.match(run.stdout, /\+ CREATE INDEX CONCURRENTLY/);
    const index = await conn.query<{ valid: boolean }>(
      `select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = 'User_email_idx'`,
    );
    assert.deepEqual(index, [{ valid: true }]);
    await assertUpToDate();
  });

  test('a foreign key is added NOT VALID and validated in a later migration; lock_timeout in each file', async () => {
    project.writeSchema(`${USER('  @@index([email])')}\n${POST('')}`);
    const posts = await ballastPrisma(project, 'migrate', 'dev', '--name', 'posts');
    assert.equal(posts.code, 0, posts.stdout + posts.stderr);
    await conn.query('insert into "Post" ("authorId") select id from "User"');

    project.writeSchema(`${USER('  posts Post[]\n  @@index([email])')}\n${POST(AUTHOR)}`);
    const before = folders(project);
    const run = await ballastPrisma(project, 'migrate', 'dev', '--name', 'post_author');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const added = folders(project).filter((f) => !before.includes(f));
    const files = added.map((f) => sqlOf(project, f));
    const notValid = files.findIndex((s) => /FOREIGN KEY[^;]*NOT VALID/.test(s));
    const validate = files.findIndex((s) => /VALIDATE CONSTRAINT "Post_authorId_fkey"/.test(s));
    assert.ok(notValid >= 0 && validate > notValid, files.join('\n----\n'));
    for (const s of files) if (/^ALTER TABLE/m.test(s)) assert.match(s, /^SET lock_timeout/m, s);
    const fk = await conn.query<{ validated: boolean }>(
      `select convalidated as validated from pg_constraint where conname = 'Post_authorId_fkey'`,
    );
    assert.deepEqual(fk, [{ validated: true }]);
    await assertUpToDate();
  });

  test('a renamed field (DROP + ADD of the same type) is refused before it runs, data kept', async () => {
    project.writeSchema(`${USER('  posts Post[]\n  @@index([email])', 'alias')}\n${POST(AUTHOR)}`);
    const before = folders(project);
    const run = await ballastPrisma(project, 'migrate', 'dev', '--name', 'rename_nickname');
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /User\.nickname → User\.alias \(text\)/);
    assert.match(run.stderr, /@map\("nickname"\)/);
    assert.deepEqual(folders(project), before, 'the generated folder is removed');
    const kept = await conn.query<{ n: string }>('select count(nickname)::text as n from "User"');
    assert.equal(kept[0]!.n, '500');
    await assertUpToDate();
  });
});
