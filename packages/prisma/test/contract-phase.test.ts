/**
 * `-- ballast:phase contract`: `ballast-prisma migrate deploy` refuses a contract until its
 * expand has been deployed for `--contract-after`; `ballast status` lists the refused contract.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { pgServers, pgTestDatabase, type SqlConnection } from '@ballast/testkit';
import { describe, test } from 'vitest';
import {
  ballastPrisma,
  type PrismaProject,
  prismaProject,
  runIn,
  SOURCE_NODE_ARGS,
} from './prisma-project.js';

const CLI_BIN = fileURLToPath(new URL('../../cli/src/bin.ts', import.meta.url));
const MODEL = 'model User {\n  id       Int     @id @default(autoincrement())\n  fullName String?\n}';

function project(url: string, contractMarker = '-- ballast:phase contract'): PrismaProject {
  const p = prismaProject(url, MODEL);
  p.addMigration(
    '20260101000000_init',
    `CREATE TABLE "User" ("id" SERIAL NOT NULL, "name" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\nINSERT INTO "User" ("name") VALUES ('ada');\n`,
  );
  p.addMigration(
    '20260102000000_full_name',
    `-- ballast:phase expand\nALTER TABLE "User" ADD COLUMN "fullName" TEXT;\nUPDATE "User" SET "fullName" = "name";\n`,
  );
  p.addMigration('20260103000000_other', 'CREATE TABLE "Tag" ("id" SERIAL PRIMARY KEY);\n');
  p.addMigration('20260104000000_drop_name', `${contractMarker}\nALTER TABLE "User" DROP COLUMN "name";\n`);
  return p;
}

const columns = async (conn: SqlConnection) =>
  (
    await conn.query<{ c: string }>(
      `select column_name as c from information_schema.columns where table_name = 'User' order by 1`,
    )
  ).map((r) => r.c);
const appliedNames = async (conn: SqlConnection) =>
  (
    await conn.query<{ n: string }>(
      'select migration_name as n from _prisma_migrations where finished_at is not null order by 1',
    )
  ).map((r) => r.n);

describe.each(pgServers())('ballast-prisma contract phase (PostgreSQL $label)', (server) => {
  test('a contract waits for --contract-after after its expand; ballast status lists it meanwhile', async () => {
    const db = await pgTestDatabase('prisma_contract', server);
    const conn = await db.connect();
    try {
      const p = project(db.url);
      const early = await ballastPrisma(p, 'migrate', 'deploy');
      assert.equal(early.code, 1, early.stdout + early.stderr);
      assert.match(
        early.stderr,
        /20260104000000_drop_name is a contract: its expand 20260102000000_full_name was deployed at .*, so it may run from /,
      );
      assert.deepEqual(await appliedNames(conn), [
        '20260101000000_init',
        '20260102000000_full_name',
        '20260103000000_other',
      ]);
      assert.deepEqual(await columns(conn), ['fullName', 'id', 'name']);
      // Still too early with the wait from the environment.
      p.env.BALLAST_CONTRACT_AFTER = '2d';
      assert.equal((await ballastPrisma(p, 'migrate', 'deploy')).code, 1);

      const status = await runIn(p, CLI_BIN, ['status', '--database-url', db.url], SOURCE_NODE_ARGS);
      assert.equal(status.code, 0, status.stdout + status.stderr);
      assert.match(
        status.stdout,
        /Prisma contract migrations waiting for their expand:\n {2}20260104000000_drop_name\s+expand 20260102000000_full_name\s+deployed .* ago\)\s+may run from .*\(in 4[67]h\d\dm/,
      );

      const late = await ballastPrisma(p, 'migrate', 'deploy', '--contract-after', '0s');
      assert.equal(late.code, 0, late.stdout + late.stderr);
      assert.deepEqual(await columns(conn), ['fullName', 'id']);
      assert.equal((await appliedNames(conn)).length, 4);
      const after = await runIn(p, CLI_BIN, ['status', '--database-url', db.url], SOURCE_NODE_ARGS);
      assert.doesNotMatch(after.stdout, /Prisma contract/);
    } finally {
      await conn.close();
      await db.drop();
    }
  });

  test('expand=<name> names the expand; an unknown expand or a bad wait is refused', async () => {
    const db = await pgTestDatabase('prisma_contract_named', server);
    const conn = await db.connect();
    try {
      const named = project(db.url, '-- ballast:phase contract expand=20260103000000_other');
      const run = await ballastPrisma(named, 'migrate', 'deploy', '--contract-after', '1h');
      assert.equal(run.code, 1);
      assert.match(run.stderr, /its expand 20260103000000_other was deployed at/);

      const unknown = project(db.url, '-- ballast:phase contract expand=20270101000000_nope');
      const bad = await ballastPrisma(unknown, 'migrate', 'deploy');
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /expand=20270101000000_nope is not an earlier migration of this folder/);

      const wait = await ballastPrisma(named, 'migrate', 'deploy', '--contract-after', 'soon');
      assert.equal(wait.code, 1);
      assert.match(wait.stderr, /--contract-after soon: not a duration/);
      assert.deepEqual(await columns(conn), ['fullName', 'id', 'name']);
    } finally {
      await conn.close();
      await db.drop();
    }
  });
});
